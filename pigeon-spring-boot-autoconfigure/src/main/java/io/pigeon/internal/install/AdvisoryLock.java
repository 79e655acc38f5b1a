package io.pigeon.internal.install;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * A transaction-level PostgreSQL advisory lock that serialises the installations of every
 * instance sharing a history table, taken with a bounded wait at the start of each of the
 * installer's transactions.
 * <p>
 * A session-level lock would leak behind a pooler in transaction mode (PgBouncer): lock and
 * unlock can run on different server connections, and every later start would wait for a lock
 * nobody releases. A transaction-level lock ends with its transaction on whichever server
 * connection ran it. It does not span the installation's several short DDL transactions, so
 * each of them checks, under the lock, that the history is still where the plan found it
 * ({@link InstallHistory#mark(Connection)}): if another installation ran in between, the
 * installer plans again.
 */
final class AdvisoryLock {

	private AdvisoryLock() {
	}

	/**
	 * Wait at most the lock time-out for the lock of a history table, held until the
	 * connection's current transaction ends.
	 * @param connection the connection, in a transaction (not in auto-commit mode)
	 * @param history the history table the lock protects
	 * @param settings the maximum wait ({@link InstallSettings#lockTimeout()}; zero waits
	 * indefinitely) and how to name it
	 * @param task what the lock is taken for, named if it is not obtained
	 * @throws SQLException on a database error
	 * @throws PigeonInstallException if the lock is not obtained in time
	 */
	static void lockTransaction(Connection connection, InstallHistory history, InstallSettings settings,
			InstallTask task) throws SQLException {
		Duration timeout = settings.lockTimeout();
		long key = key(history);
		try {
			// lock_timeout bounds the wait for advisory locks too; set locally, it ends with the
			// transaction.
			try (PreparedStatement statement = connection
				.prepareStatement("SELECT pg_catalog.set_config('lock_timeout', ?, true)")) {
				statement.setString(1, timeout.toMillis() + "ms");
				statement.execute();
			}
			try (PreparedStatement statement = connection
				.prepareStatement("SELECT pg_catalog.pg_advisory_xact_lock(?)")) {
				statement.setLong(1, key);
				statement.execute();
			}
		}
		catch (SQLException ex) {
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
	}

	static long key(InstallHistory history) {
		return ByteBuffer.wrap(Sha256.digest("pigeon:" + history.schema() + "." + history.table())).getLong();
	}

}
