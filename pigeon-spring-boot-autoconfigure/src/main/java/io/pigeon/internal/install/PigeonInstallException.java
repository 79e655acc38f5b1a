package io.pigeon.internal.install;

import java.util.List;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when Pigeon's triggers cannot be installed, validated or exported, carrying every
 * problem found; its summary says which.
 *
 * @since 0.1.0
 */
public class PigeonInstallException extends RuntimeException {

	private final String summary;

	private final List<InstallProblem> problems;

	/**
	 * Create a new exception.
	 * @param summary what failed, e.g. "Pigeon's configuration does not match the database"
	 * @param problems every problem found, at least one
	 */
	public PigeonInstallException(String summary, List<InstallProblem> problems) {
		this(summary, problems, null);
	}

	/**
	 * Create a new exception.
	 * @param summary what failed, e.g. "Pigeon could not validate its triggers"
	 * @param problems every problem found, at least one
	 * @param cause the underlying failure, if any
	 */
	public PigeonInstallException(String summary, List<InstallProblem> problems, @Nullable Throwable cause) {
		super(message(summary, problems), cause);
		this.summary = summary;
		this.problems = List.copyOf(problems);
	}

	private static String message(String summary, List<InstallProblem> problems) {
		return problems.stream()
			.map((problem) -> "    - " + problem)
			.collect(Collectors.joining(System.lineSeparator(), summary + ":" + System.lineSeparator(), ""));
	}

	/**
	 * Return what failed, without the problems.
	 * @return the summary
	 */
	public String getSummary() {
		return this.summary;
	}

	/**
	 * Return every problem found.
	 * @return the problems, at least one
	 */
	public List<InstallProblem> getProblems() {
		return this.problems;
	}

}
