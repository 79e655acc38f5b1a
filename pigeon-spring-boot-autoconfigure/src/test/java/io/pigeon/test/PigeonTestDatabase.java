package io.pigeon.test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;

import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The PostgreSQL server Pigeon's tests run against: the one named by {@code PIGEON_TEST_JDBC_URL}
 * (with {@code PIGEON_TEST_USERNAME} and {@code PIGEON_TEST_PASSWORD}) when it is set, otherwise
 * one PostgreSQL container started through Testcontainers and shared by every test in the JVM.
 */
public final class PigeonTestDatabase {

	private static final String IMAGE = "postgres:15-alpine";

	private static volatile PigeonTestDatabase instance;

	private final String jdbcUrl;

	private final String username;

	private final String password;

	private PigeonTestDatabase(String jdbcUrl, String username, String password) {
		this.jdbcUrl = jdbcUrl;
		this.username = username;
		this.password = password;
	}

	/**
	 * Return the shared test database, starting a container on first use when no external
	 * server is configured.
	 * @return the test database
	 */
	public static PigeonTestDatabase get() {
		PigeonTestDatabase database = instance;
		if (database == null) {
			synchronized (PigeonTestDatabase.class) {
				database = instance;
				if (database == null) {
					database = create();
					instance = database;
				}
			}
		}
		return database;
	}

	private static PigeonTestDatabase create() {
		String url = System.getenv("PIGEON_TEST_JDBC_URL");
		if (url != null && !url.isBlank()) {
			return new PigeonTestDatabase(url, envOrDefault("PIGEON_TEST_USERNAME", "postgres"),
					envOrDefault("PIGEON_TEST_PASSWORD", ""));
		}
		PostgreSQLContainer container = new PostgreSQLContainer(IMAGE);
		container.start();
		// Stopped by Testcontainers' Ryuk when the JVM exits.
		return new PigeonTestDatabase(container.getJdbcUrl(), container.getUsername(), container.getPassword());
	}

	private static String envOrDefault(String name, String defaultValue) {
		String value = System.getenv(name);
		return (value != null) ? value : defaultValue;
	}

	public String getJdbcUrl() {
		return this.jdbcUrl;
	}

	public String getUsername() {
		return this.username;
	}

	public String getPassword() {
		return this.password;
	}

	/**
	 * Open a new connection to the test database, outside any pool.
	 * @return a new connection in auto-commit mode
	 * @throws SQLException if the database cannot be reached
	 */
	public Connection connect() throws SQLException {
		return DriverManager.getConnection(this.jdbcUrl, this.username, this.password);
	}

	/**
	 * Open a new connection to the test database as another user, outside any pool.
	 * @param username the user
	 * @param password the user's password
	 * @return a new connection in auto-commit mode
	 * @throws SQLException if the database cannot be reached or refuses the user
	 */
	public Connection connect(String username, String password) throws SQLException {
		return DriverManager.getConnection(this.jdbcUrl, username, password);
	}

	/**
	 * Return a schema name unique to this JVM run, so tests that share a database do not see
	 * each other's objects.
	 * @param prefix a readable prefix
	 * @return a lower-case schema name
	 */
	public static String uniqueName(String prefix) {
		return (prefix + "_" + Long.toHexString(System.nanoTime())).toLowerCase(Locale.ROOT);
	}

}
