package io.pigeon.internal.install;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * A session-level PostgreSQL advisory lock that serialises the installations of every instance
 * sharing a history table, taken with a bounded wait.
 */
final class AdvisoryLock implements AutoCloseable {

	private final Connection connection;

	private final long key;

	private AdvisoryLock(Connection connection, long key) {
		this.connection = connection;
		this.key = key;
	}

	/**
	 * Wait at most {@code timeout} for the lock of a history table.
	 * @param connection the connection that will hold the lock, in auto-commit mode
	 * @param history the history table the lock protects
	 * @param settings the maximum wait ({@link InstallSettings#lockTimeout()}; zero waits
	 * indefinitely) and how to name it
	 * @param task what the lock is taken for, named if it is not obtained
	 * @return the lock, to be closed to release it
	 * @throws SQLException on a database error
	 * @throws PigeonInstallException if the lock is not obtained in time
	 */
	static AdvisoryLock acquire(Connection connection, InstallHistory history, InstallSettings settings,
			InstallTask task) throws SQLException {
		Duration timeout = settings.lockTimeout();
		long key = key(history);
		connection.setAutoCommit(false);
		try {
			// lock_timeout bounds the wait for advisory locks too; set locally, it ends with the transaction
			// while the session-level lock stays.
			try (PreparedStatement statement = connection
				.prepareStatement("SELECT pg_catalog.set_config('lock_timeout', ?, true)")) {
				statement.setString(1, timeout.toMillis() + "ms");
				statement.execute();
			}
			try (PreparedStatement statement = connection.prepareStatement("SELECT pg_catalog.pg_advisory_lock(?)")) {
				statement.setLong(1, key);
				statement.execute();
			}
			connection.commit();
		}
		catch (SQLException ex) {
			connection.rollback();
			if (SqlStates.LOCK_NOT_AVAILABLE.equals(ex.getSQLState())) {
				String path = settings.name(InstallSetting.LOCK_TIMEOUT);
				throw new PigeonInstallException(task.failure(),
						List.of(new InstallProblem(path,
								"another instance has been installing Pigeon's triggers for longer than "
										+ timeout.toMillis() + " ms (advisory lock " + key + ")",
								"Wait for it to finish, or raise '" + path + "'.")),
						ex);
			}
			throw ex;
		}
		finally {
			connection.setAutoCommit(true);
		}
		return new AdvisoryLock(connection, key);
	}

	static long key(InstallHistory history) {
		return ByteBuffer.wrap(Sha256.digest("pigeon:" + history.schema() + "." + history.table())).getLong();
	}

	@Override
	public void close() throws SQLException {
		try (PreparedStatement statement = this.connection
			.prepareStatement("SELECT pg_catalog.pg_advisory_unlock(?)")) {
			statement.setLong(1, this.key);
			statement.execute();
		}
	}

}
