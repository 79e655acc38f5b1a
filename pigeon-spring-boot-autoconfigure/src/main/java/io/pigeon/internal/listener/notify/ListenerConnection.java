package io.pigeon.internal.listener.notify;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;

import io.pigeon.internal.sql.SqlIdentifiers;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * An open listener connection, used by the reading thread alone.
 *
 * @since 0.1.0
 */
public final class ListenerConnection implements AutoCloseable {

	private static final PGNotification[] NONE = new PGNotification[0];

	private final Connection connection;

	private final PGConnection pgConnection;

	private final boolean lowLatency;

	ListenerConnection(Connection connection, PGConnection pgConnection, boolean lowLatency) {
		this.connection = connection;
		this.pgConnection = pgConnection;
		this.lowLatency = lowLatency;
	}

	/**
	 * Return the process id of the server backend serving this connection.
	 * @return the backend's pid
	 */
	public int getBackendPid() {
		return this.pgConnection.getBackendPID();
	}

	/**
	 * Return whether pgjdbc's quiet-wait was removed from this connection.
	 * @return {@code true} if notifications are returned as soon as they are read
	 */
	public boolean isLowLatency() {
		return this.lowLatency;
	}

	/**
	 * LISTEN on the given channels; each statement commits at once (auto-commit).
	 * @param channels the channel names, case-sensitive
	 * @throws SQLException if the connection fails
	 */
	public void listen(Collection<String> channels) throws SQLException {
		try (Statement statement = this.connection.createStatement()) {
			for (String channel : channels) {
				statement.execute("LISTEN " + SqlIdentifiers.quote(channel));
			}
		}
	}

	/**
	 * Return where the stream of notifications starts, to be called right after
	 * {@link #listen}: a transaction that this snapshot does not see as committed commits later
	 * and is notified on this connection.
	 * @return the database's snapshot and clock
	 * @throws SQLException if the connection fails
	 */
	public ResumePoint resumePoint() throws SQLException {
		try (Statement statement = this.connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT pg_current_snapshot()::text, clock_timestamp()")) {
			result.next();
			return new ResumePoint(result.getString(1), result.getObject(2, OffsetDateTime.class).toInstant());
		}
	}

	/**
	 * Return the notifications received, waiting up to the given time for the first one.
	 * @param timeoutMillis the longest wait, at least 1 ms (pgjdbc waits forever on 0)
	 * @return the notifications, possibly none
	 * @throws SQLException if the connection fails
	 */
	public PGNotification[] poll(int timeoutMillis) throws SQLException {
		PGNotification[] notifications = this.pgConnection.getNotifications(Math.max(1, timeoutMillis));
		return (notifications != null) ? notifications : NONE;
	}

	/**
	 * Check that the server answers, within the connection's network time-out. Needed because
	 * {@link #poll(int)} cannot tell a quiet channel from a silent peer.
	 * @throws SQLException if the server does not answer in time or the connection fails
	 */
	public void validate() throws SQLException {
		try (Statement statement = this.connection.createStatement()) {
			statement.execute("SELECT 1");
		}
	}

	/**
	 * Close the connection's socket at once, from any thread, failing a read in progress.
	 */
	public void abort() {
		try {
			this.connection.abort(Runnable::run);
		}
		catch (SQLException ex) {
			// Already closed: nothing is left to interrupt.
		}
	}

	@Override
	public void close() {
		try {
			this.connection.close();
		}
		catch (SQLException ex) {
			// The connection is being discarded: a failure to say goodbye to the server changes nothing.
		}
	}

	/**
	 * The database's position right after LISTEN.
	 * @param snapshot {@code pg_current_snapshot()} as text
	 * @param databaseTime the database's {@code clock_timestamp()}
	 */
	public record ResumePoint(String snapshot, Instant databaseTime) {
	}

}
