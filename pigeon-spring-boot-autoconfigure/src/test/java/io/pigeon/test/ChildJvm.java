package io.pigeon.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;

/**
 * A main class run in a JVM of its own, with the test's classpath, for tests that kill an
 * application for real: {@link #kill9()} ends it with {@code SIGKILL} (no shutdown hook, no
 * {@code finally}, sockets left for the server to find closed), {@link #stop()} with
 * {@code SIGTERM}, as an orchestrator stops it (Spring Boot's shutdown hook closes the context).
 * <p>
 * Its standard output and error go to one file ({@code target/child-jvm/<name>-<n>.log}, kept
 * for diagnosis), which {@link #output()} reads and {@link #awaitOutput(String, Duration)} waits
 * on. Build one with {@link #builder(Class)}; a builder starts any number of processes, one after
 * another, with the same main class, arguments and environment.
 */
public final class ChildJvm implements AutoCloseable {

	private static final AtomicInteger counter = new AtomicInteger();

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

	private final String name;

	private final Process process;

	private final Path outputFile;

	private final Thread shutdownHook;

	private ChildJvm(String name, Process process, Path outputFile) {
		this.name = name;
		this.process = process;
		this.outputFile = outputFile;
		// A test JVM that ends without close() must not leave a child behind.
		this.shutdownHook = new Thread(process::destroyForcibly, "child-jvm-kill-" + name);
		Runtime.getRuntime().addShutdownHook(this.shutdownHook);
	}

	/**
	 * Start building a child JVM that runs the given main class.
	 * @param mainClass a class with a {@code main(String[])} method, on the test classpath
	 * @return the builder
	 */
	public static Builder builder(Class<?> mainClass) {
		return new Builder(mainClass);
	}

	public String getName() {
		return this.name;
	}

	/**
	 * Return the operating-system process id of the child.
	 * @return the pid
	 */
	public long pid() {
		return this.process.pid();
	}

	public boolean isAlive() {
		return this.process.isAlive();
	}

	/**
	 * Return the exit value of the ended child: on Linux {@code 128 +} the signal's number when a
	 * signal ended it ({@code 137} after {@code SIGKILL}, {@code 143} after {@code SIGTERM}
	 * unless a shutdown hook halted with a code of its own).
	 * @return the exit value
	 * @throws IllegalThreadStateException if it is still running
	 */
	public int exitValue() {
		return this.process.exitValue();
	}

	public Path getOutputFile() {
		return this.outputFile;
	}

	/**
	 * Return everything the child has written to its standard output and error so far.
	 * @return the output
	 */
	public String output() {
		try {
			return Files.readString(this.outputFile, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Wait until the child's output contains the given text; fail at once, with the output, if
	 * the child ends first, and after the timeout if the text never appears.
	 * @param text the text to wait for
	 * @param timeout how long to wait
	 */
	public void awaitOutput(String text, Duration timeout) {
		await().atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> {
			String output = output();
			if (output.contains(text)) {
				return true;
			}
			if (!this.process.isAlive()) {
				throw new AssertionError("Child JVM '" + this.name + "' exited with " + this.process.exitValue()
						+ " before writing '" + text + "'; its output (" + this.outputFile + "):\n" + output());
			}
			return false;
		});
	}

	/**
	 * Kill the child with {@code SIGKILL} ({@link Process#destroyForcibly()}, which on Linux
	 * sends {@code SIGKILL}) and wait until it has ended.
	 */
	public void kill9() {
		this.process.destroyForcibly();
		awaitExit(Duration.ofSeconds(10));
	}

	/**
	 * Stop the child gracefully with {@code SIGTERM} ({@link Process#destroy()}) and wait until
	 * it has ended, running its shutdown hooks; fail if it takes longer than 30 seconds (it is
	 * then killed).
	 */
	public void stop() {
		this.process.destroy();
		if (!awaitExit(STOP_TIMEOUT)) {
			this.process.destroyForcibly();
			throw new AssertionError("Child JVM '" + this.name + "' did not stop within " + STOP_TIMEOUT
					+ " of SIGTERM; it was killed. Its output:\n" + output());
		}
	}

	private boolean awaitExit(Duration timeout) {
		try {
			return this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/**
	 * Kill the child if it still runs.
	 */
	@Override
	public void close() {
		if (this.process.isAlive()) {
			kill9();
		}
		try {
			Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
		}
		catch (IllegalStateException ex) {
			// The JVM is shutting down already.
		}
	}

	@Override
	public String toString() {
		return "ChildJvm '" + this.name + "' (pid " + this.process.pid() + ", output " + this.outputFile + ")";
	}

	/**
	 * Builds and starts {@link ChildJvm}s.
	 */
	public static final class Builder {

		private final Class<?> mainClass;

		private String name;

		private final List<String> jvmOptions = new ArrayList<>(
				List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto"));

		private final List<String> arguments = new ArrayList<>();

		private final Map<String, String> environment = new LinkedHashMap<>();

		private Builder(Class<?> mainClass) {
			this.mainClass = mainClass;
			this.name = mainClass.getSimpleName();
		}

		/**
		 * Name the child, for its output file and messages.
		 * @param name the name
		 * @return this builder
		 */
		public Builder name(String name) {
			this.name = name;
			return this;
		}

		/**
		 * Add a Spring Boot property, passed as the argument {@code --key=value}.
		 * @param key the property's name
		 * @param value its value
		 * @return this builder
		 */
		public Builder property(String key, Object value) {
			this.arguments.add("--" + key + "=" + value);
			return this;
		}

		/**
		 * Add Spring Boot properties, each written {@code key=value}, passed as
		 * {@code --key=value}.
		 * @param properties the properties
		 * @return this builder
		 */
		public Builder properties(String... properties) {
			for (String property : properties) {
				this.arguments.add("--" + property);
			}
			return this;
		}

		/**
		 * Add a program argument as it is.
		 * @param argument the argument
		 * @return this builder
		 */
		public Builder argument(String argument) {
			this.arguments.add(argument);
			return this;
		}

		/**
		 * Set an environment variable of the child (it inherits the test's environment).
		 * @param name the variable
		 * @param value its value
		 * @return this builder
		 */
		public Builder environment(String name, String value) {
			this.environment.put(name, value);
			return this;
		}

		/**
		 * Add an option of the {@code java} command, such as {@code -Dkey=value}.
		 * @param option the option
		 * @return this builder
		 */
		public Builder jvmOption(String option) {
			this.jvmOptions.add(option);
			return this;
		}

		/**
		 * Start a child JVM; it runs until it ends or is stopped.
		 * @return the running child
		 */
		public ChildJvm start() {
			String instanceName = this.name + "-" + counter.incrementAndGet();
			List<String> command = new ArrayList<>();
			command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
			command.addAll(this.jvmOptions);
			command.add("-cp");
			command.add(System.getProperty("java.class.path"));
			command.add(this.mainClass.getName());
			command.addAll(this.arguments);
			try {
				Path outputFile = outputDirectory().resolve(instanceName + ".log");
				ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
					.redirectOutput(outputFile.toFile());
				builder.environment().putAll(this.environment);
				return new ChildJvm(instanceName, builder.start(), outputFile);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		private static Path outputDirectory() throws IOException {
			Path target = Path.of("target");
			Path directory = Files.isDirectory(target) ? target.resolve("child-jvm")
					: Path.of(System.getProperty("java.io.tmpdir"), "pigeon-child-jvm");
			return Files.createDirectories(directory);
		}

	}

}
