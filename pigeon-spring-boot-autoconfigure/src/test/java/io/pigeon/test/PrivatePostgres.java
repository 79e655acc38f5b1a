package io.pigeon.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;

/**
 * A throw-away PostgreSQL cluster of its own, for tests that restart or stop the server: a real
 * {@code initdb} into a temporary directory and a real postmaster started and stopped with
 * {@code pg_ctl}, listening on a free port of {@code 127.0.0.1} with trust authentication.
 * <p>
 * The server binaries are the highest version under {@code /usr/lib/postgresql/<version>/bin},
 * else those {@code pg_config --bindir} names, else {@code PIGEON_TEST_PG_BINDIR}; without them
 * {@link #start()} skips the test through a JUnit assumption that says what is missing. PostgreSQL
 * refuses to run as root, so when the tests run as root (as they do in CI) every server command
 * runs as the {@code postgres} operating-system user ({@code runuser}, else {@code su}), in a
 * directory that user owns.
 * <p>
 * Settings are chosen for speed, never for safety: small {@code shared_buffers},
 * {@code fsync=off}. A restart ({@link #restart()} or {@link #restartImmediately()}) stops the
 * postmaster and starts it again on the same port and data, so every open connection is broken;
 * an immediate stop is a crash from the server's point of view (crash recovery at the next start),
 * while the operating system keeps every written page, so nothing committed is lost. Starting takes
 * about a second: share one instance per test class.
 */
public final class PrivatePostgres implements AutoCloseable {

	private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

	private static final String OS_USER = "postgres";

	private final Path binDirectory;

	private final Path directory;

	private final Path dataDirectory;

	private final Path serverLog;

	private final int port;

	private final boolean asOsUser;

	private final Thread shutdownHook;

	private volatile boolean running;

	private PrivatePostgres(Path binDirectory, Path directory, int port, boolean asOsUser) {
		this.binDirectory = binDirectory;
		this.directory = directory;
		this.dataDirectory = directory.resolve("data");
		this.serverLog = directory.resolve("server.log");
		this.port = port;
		this.asOsUser = asOsUser;
		// A test JVM that ends without close() must not leave a postmaster behind.
		this.shutdownHook = new Thread(this::stopQuietly, "private-postgres-stop");
	}

	/**
	 * Create a new cluster and start it, or skip the calling test (a JUnit assumption) when the
	 * PostgreSQL server binaries cannot be found or cannot be run as a non-root user.
	 * @return the running cluster
	 */
	public static PrivatePostgres start() {
		Optional<Path> binDirectory = findBinDirectory();
		Assumptions.assumeTrue(binDirectory.isPresent(),
				"PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql/*/bin, "
						+ "by pg_config --bindir or in PIGEON_TEST_PG_BINDIR: install the PostgreSQL server "
						+ "(Debian: apt-get install postgresql) to run the tests that restart PostgreSQL");
		boolean root = isRoot();
		Assumptions.assumeTrue(!root || lookupOsUser().isPresent(),
				"Running as root, and PostgreSQL refuses root: the tests that restart PostgreSQL need an "
						+ "operating-system user named '" + OS_USER + "' to run the server as");
		try {
			Path directory = Files.createTempDirectory("pigeon-pg-");
			if (root) {
				Files.setOwner(directory, lookupOsUser().get());
			}
			PrivatePostgres postgres = new PrivatePostgres(binDirectory.get(), directory, freePort(), root);
			postgres.initialise();
			Runtime.getRuntime().addShutdownHook(postgres.shutdownHook);
			postgres.startServer();
			return postgres;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Return the directory of the server binaries this class would use, if any.
	 * @return the {@code bin} directory holding {@code initdb} and {@code pg_ctl}
	 */
	static Optional<Path> findBinDirectory() {
		String configured = System.getenv("PIGEON_TEST_PG_BINDIR");
		if (configured != null && !configured.isBlank() && hasServerBinaries(Path.of(configured))) {
			return Optional.of(Path.of(configured));
		}
		Path installed = Path.of("/usr/lib/postgresql");
		if (Files.isDirectory(installed)) {
			try (Stream<Path> versions = Files.list(installed)) {
				Optional<Path> highest = versions.map((version) -> version.resolve("bin"))
					.filter(PrivatePostgres::hasServerBinaries)
					.max(Comparator.comparing((bin) -> versionKey(bin.getParent().getFileName().toString())));
				if (highest.isPresent()) {
					return highest;
				}
			}
			catch (IOException ex) {
				// Fall back to pg_config.
			}
		}
		return pgConfigBinDirectory().filter(PrivatePostgres::hasServerBinaries);
	}

	private static boolean hasServerBinaries(Path bin) {
		return Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("pg_ctl"));
	}

	/**
	 * A sort key for version directory names: {@code 9.6} before {@code 15} before {@code 17}.
	 */
	private static String versionKey(String name) {
		StringBuilder key = new StringBuilder();
		for (String part : name.split("\\.")) {
			key.append(String.format(Locale.ROOT, "%08d", part.matches("\\d{1,8}") ? Integer.parseInt(part) : 0));
		}
		return key.toString();
	}

	private static Optional<Path> pgConfigBinDirectory() {
		try {
			Process process = new ProcessBuilder("pg_config", "--bindir").redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
			return (process.waitFor() == 0 && !output.isEmpty()) ? Optional.of(Path.of(output)) : Optional.empty();
		}
		catch (IOException ex) {
			return Optional.empty();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Optional.empty();
		}
	}

	private static boolean isRoot() {
		return "root".equals(System.getProperty("user.name"));
	}

	private static Optional<UserPrincipal> lookupOsUser() {
		try {
			return Optional.of(FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(OS_USER));
		}
		catch (IOException ex) {
			return Optional.empty();
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	private void initialise() throws IOException {
		run(List.of(this.binDirectory.resolve("initdb").toString(), "-D", this.dataDirectory.toString(), "-U",
				OS_USER, "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync", "--no-instructions"));
		// Appended to the file initdb wrote: later settings win. No Unix socket, so clusters
		// never meet in a shared socket directory; pg_ctl waits by the postmaster.pid file.
		// synchronous_commit stays on: with it off, a commit is acknowledged before its WAL
		// reaches even the operating system, and an immediate stop loses it.
		String settings = """

				# Pigeon's tests: a throw-away cluster, fast rather than safe
				listen_addresses = '127.0.0.1'
				port = %d
				unix_socket_directories = ''
				max_connections = 40
				shared_buffers = 16MB
				fsync = off
				full_page_writes = off
				""".formatted(this.port);
		Files.writeString(this.dataDirectory.resolve("postgresql.conf"), settings, StandardCharsets.UTF_8,
				StandardOpenOption.APPEND);
	}

	private void startServer() {
		pgCtl("start", "-l", this.serverLog.toString());
		this.running = true;
	}

	/**
	 * Start the server again after {@link #stop()}, on the same port and data.
	 */
	public void startAgain() {
		if (!this.running) {
			startServer();
		}
	}

	/**
	 * Restart the server as an administrator does: {@code pg_ctl restart -m fast}, which ends
	 * every session, checkpoints and starts a new postmaster. Returns once it accepts connections.
	 */
	public void restart() {
		pgCtl("restart", "-m", "fast");
		this.running = true;
	}

	/**
	 * Restart the server after an immediate stop ({@code pg_ctl restart -m immediate}): every
	 * process ends at once, as in a crash, and the next start runs crash recovery. Returns once it
	 * accepts connections.
	 */
	public void restartImmediately() {
		pgCtl("restart", "-m", "immediate");
		this.running = true;
	}

	/**
	 * Stop the server ({@code pg_ctl stop -m fast}); {@link #startAgain()} starts it again.
	 */
	public void stop() {
		pgCtl("stop", "-m", "fast");
		this.running = false;
	}

	public boolean isRunning() {
		return this.running;
	}

	public int getPort() {
		return this.port;
	}

	/**
	 * Return the JDBC URL of the cluster's {@code postgres} database.
	 * @return the URL
	 */
	public String getJdbcUrl() {
		return "jdbc:postgresql://127.0.0.1:" + this.port + "/postgres";
	}

	public String getUsername() {
		return OS_USER;
	}

	public String getPassword() {
		return "";
	}

	/**
	 * Open a new connection to the cluster's {@code postgres} database, outside any pool.
	 * @return a new connection in auto-commit mode
	 * @throws SQLException if the server cannot be reached
	 */
	public Connection connect() throws SQLException {
		return DriverManager.getConnection(getJdbcUrl(), getUsername(), getPassword());
	}

	/**
	 * Return what the server has logged so far, for a failing test's message.
	 * @return the server log
	 */
	public String serverLog() {
		try {
			return Files.exists(this.serverLog) ? Files.readString(this.serverLog, StandardCharsets.UTF_8) : "";
		}
		catch (IOException ex) {
			return "(server log unreadable: " + ex + ")";
		}
	}

	private void pgCtl(String action, String... options) {
		List<String> command = new ArrayList<>(List.of(this.binDirectory.resolve("pg_ctl").toString(), action, "-D",
				this.dataDirectory.toString(), "-w", "-t", String.valueOf(COMMAND_TIMEOUT.toSeconds())));
		command.addAll(List.of(options));
		try {
			run(command);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Run a server command to its end, as the {@code postgres} user when running as root; its
	 * output goes to a file (the postmaster pg_ctl starts must not hold a pipe of ours open).
	 */
	private void run(List<String> command) throws IOException {
		List<String> full = new ArrayList<>();
		if (this.asOsUser) {
			if (Files.isExecutable(Path.of("/usr/sbin/runuser")) || Files.isExecutable(Path.of("/sbin/runuser"))) {
				full.addAll(List.of("runuser", "-u", OS_USER, "--"));
				full.addAll(command);
			}
			else {
				full.addAll(List.of("su", OS_USER, "-s", "/bin/sh", "-c", shellQuoted(command)));
			}
		}
		else {
			full.addAll(command);
		}
		Path output = Files.createTempFile("pigeon-pg-command-", ".log");
		try {
			Process process = new ProcessBuilder(full).directory(this.directory.toFile())
				.redirectErrorStream(true)
				.redirectOutput(output.toFile())
				.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
				.start();
			if (!process.waitFor(COMMAND_TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException("Timed out: " + full + "\n" + Files.readString(output));
			}
			if (process.exitValue() != 0) {
				throw new IllegalStateException("Failed (exit " + process.exitValue() + "): " + full + "\n"
						+ Files.readString(output) + "\nServer log:\n" + serverLog());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted: " + full, ex);
		}
		finally {
			Files.deleteIfExists(output);
		}
	}

	private static String shellQuoted(List<String> command) {
		StringBuilder quoted = new StringBuilder();
		for (String argument : command) {
			quoted.append((quoted.length() > 0) ? " " : "").append('\'').append(argument.replace("'", "'\\''"))
				.append('\'');
		}
		return quoted.toString();
	}

	private void stopQuietly() {
		if (this.running) {
			try {
				pgCtl("stop", "-m", "immediate");
			}
			catch (RuntimeException ex) {
				// Already gone.
			}
			this.running = false;
		}
	}

	/**
	 * Stop the server at once and delete the cluster's directory.
	 */
	@Override
	public void close() {
		stopQuietly();
		try {
			Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
		}
		catch (IllegalStateException ex) {
			// The JVM is shutting down already.
		}
		deleteRecursively(this.directory);
	}

	private static void deleteRecursively(Path directory) {
		try (Stream<Path> paths = Files.walk(directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> {
				try {
					Files.deleteIfExists(path);
				}
				catch (IOException ex) {
					// Best effort: a temporary directory.
				}
			});
		}
		catch (IOException ex) {
			// Best effort: a temporary directory.
		}
	}

}
