package io.pigeon.internal.listener.notify;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;

import org.springframework.util.Assert;

/**
 * Opens Pigeon's dedicated listener connection: straight from the PostgreSQL driver
 * ({@link Driver#connect}), never from the application's pool, in auto-commit mode (a transaction
 * left open on a listening connection would pin PostgreSQL's notification queue), with every read
 * bounded by a network time-out, pgjdbc's quiet-wait removed and a hot standby refused.
 *
 * @since 0.1.0
 */
public class ListenerConnectionFactory {

	static final String APPLICATION_NAME = "pigeon-listener";

	private final Driver driver;

	private final @Nullable String url;

	private final @Nullable String username;

	private final @Nullable String password;

	private final Duration networkTimeout;

	private final PgjdbcNotificationLatencyTuner latencyTuner;

	/**
	 * Create a new factory.
	 * @param url the JDBC URL, {@code null} when none is known (then {@link #open()} fails with a
	 * message saying how to set one)
	 * @param username the login user, or {@code null}
	 * @param password the login password, or {@code null}
	 * @param networkTimeout how long to wait for each answer from the database
	 * @param latencyTuner removes pgjdbc's quiet-wait from each new connection
	 * @throws IllegalArgumentException if the network time-out is not positive
	 */
	public ListenerConnectionFactory(@Nullable String url, @Nullable String username, @Nullable String password,
			Duration networkTimeout, PgjdbcNotificationLatencyTuner latencyTuner) {
		this(new org.postgresql.Driver(), url, username, password, networkTimeout, latencyTuner);
	}

	/**
	 * Create a new factory connecting through the given driver; tests use it to reach servers that
	 * cannot be started here, such as a hot standby.
	 */
	ListenerConnectionFactory(Driver driver, @Nullable String url, @Nullable String username,
			@Nullable String password, Duration networkTimeout, PgjdbcNotificationLatencyTuner latencyTuner) {
		// pgjdbc reads zero as "wait for ever" and refuses a negative value on every connection attempt.
		Assert.isTrue(!networkTimeout.isNegative() && !networkTimeout.isZero(),
				"networkTimeout must be greater than zero");
		this.driver = driver;
		this.url = url;
		this.username = username;
		this.password = password;
		this.networkTimeout = networkTimeout;
		this.latencyTuner = latencyTuner;
	}

	/**
	 * Return the JDBC URL without its parameters (which may hold credentials), for messages.
	 * @return the URL to show, or {@code null} when none is known
	 */
	public @Nullable String getDisplayUrl() {
		if (this.url == null) {
			return null;
		}
		int parameters = this.url.indexOf('?');
		return (parameters >= 0) ? this.url.substring(0, parameters) : this.url;
	}

	/**
	 * Return how long to wait for each answer from the database ({@code validation-timeout}).
	 * @return the network time-out
	 */
	public Duration getNetworkTimeout() {
		return this.networkTimeout;
	}

	/**
	 * Open a new listener connection.
	 * @return the open connection, listening on nothing yet
	 * @throws SQLException if the database cannot be reached, refuses the login or is a hot
	 * standby
	 */
	public ListenerConnection open() throws SQLException {
		String url = this.url;
		if (url == null) {
			throw new SQLNonTransientConnectionException("Pigeon's listener has no JDBC URL: none can be "
					+ "read from Pigeon's DataSource or its JdbcConnectionDetails. Set pigeon.listener.url, "
					+ "pigeon.listener.username and pigeon.listener.password.");
		}
		Connection connection = this.driver.connect(url, connectionProperties());
		if (connection == null) {
			throw new SQLNonTransientConnectionException("Pigeon's listener needs a PostgreSQL JDBC URL "
					+ "(jdbc:postgresql://…), not '" + getDisplayUrl() + "'. Set pigeon.listener.url.");
		}
		try {
			connection.setAutoCommit(true);
			int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, this.networkTimeout.toMillis());
			connection.setNetworkTimeout(Runnable::run, timeoutMillis);
			refuseHotStandby(connection);
			boolean lowLatency = this.latencyTuner.apply(connection);
			return new ListenerConnection(connection, connection.unwrap(PGConnection.class), lowLatency);
		}
		catch (SQLException | RuntimeException ex) {
			closeQuietly(connection, ex);
			throw ex;
		}
	}

	private Properties connectionProperties() {
		Properties properties = new Properties();
		if (this.username != null) {
			PGProperty.USER.set(properties, this.username);
		}
		if (this.password != null) {
			PGProperty.PASSWORD.set(properties, this.password);
		}
		// Parameters in the URL take precedence over these defaults.
		int timeoutSeconds = (int) Math.max(1, Math.min(Integer.MAX_VALUE, ceilSeconds(this.networkTimeout)));
		PGProperty.CONNECT_TIMEOUT.set(properties, timeoutSeconds);
		PGProperty.SOCKET_TIMEOUT.set(properties, timeoutSeconds);
		PGProperty.TCP_KEEP_ALIVE.set(properties, true);
		PGProperty.APPLICATION_NAME.set(properties, APPLICATION_NAME);
		return properties;
	}

	private static long ceilSeconds(Duration duration) {
		return (duration.toMillis() + 999) / 1000;
	}

	private static void refuseHotStandby(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT pg_is_in_recovery()")) {
			if (result.next() && result.getBoolean(1)) {
				throw new HotStandbyException();
			}
		}
	}

	private static void closeQuietly(Connection connection, Exception failure) {
		try {
			connection.close();
		}
		catch (SQLException ex) {
			failure.addSuppressed(ex);
		}
	}

	/**
	 * Thrown when the listener connection reaches a hot standby, where LISTEN cannot work.
	 */
	static final class HotStandbyException extends SQLNonTransientConnectionException {

		HotStandbyException() {
			super("Pigeon's listener connection reached a hot standby (pg_is_in_recovery() is true), where LISTEN "
					+ "cannot work: point pigeon.listener.url at the primary server");
		}

	}

}
