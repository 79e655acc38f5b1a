package io.pigeon.autoconfigure;

import java.util.stream.Collectors;

import io.pigeon.internal.install.InstallProblem;
import io.pigeon.internal.install.PigeonInstallException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link PigeonInstallException} at start-up: every problem with its property path,
 * and how to fix each.
 *
 * @since 0.1.0
 */
class PigeonInstallFailureAnalyzer extends AbstractFailureAnalyzer<PigeonInstallException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, PigeonInstallException cause) {
		String description = cause.getProblems()
			.stream()
			.map((problem) -> "    " + problem)
			.collect(Collectors.joining(System.lineSeparator(),
					cause.getSummary() + ":" + System.lineSeparator() + System.lineSeparator(), ""));
		String action = cause.getProblems()
			.stream()
			.map(PigeonInstallFailureAnalyzer::action)
			.collect(Collectors.joining(System.lineSeparator(),
					"Fix each problem and restart:" + System.lineSeparator() + System.lineSeparator(), ""));
		return new FailureAnalysis(description, action, cause);
	}

	private static String action(InstallProblem problem) {
		return "    " + ((problem.path() != null) ? problem.path() + ": " : "") + problem.action();
	}

}
