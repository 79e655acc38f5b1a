package io.pigeon.internal.install;

import org.jspecify.annotations.Nullable;

/**
 * The SQLSTATEs the installer reacts to rather than reports.
 */
final class SqlStates {

	/**
	 * {@code lock_not_available}: a lock was not granted within {@code lock_timeout}.
	 */
	static final String LOCK_NOT_AVAILABLE = "55P03";

	/**
	 * {@code deadlock_detected}: PostgreSQL ended one of two transactions waiting for each
	 * other.
	 */
	static final String DEADLOCK_DETECTED = "40P01";

	private SqlStates() {
	}

	/**
	 * Return whether a failure only means that another transaction held a lock, so that the
	 * same work may succeed when tried again.
	 * @param sqlState the failure's SQLSTATE, or {@code null}
	 * @return whether the failure is a lock conflict
	 */
	static boolean isLockConflict(@Nullable String sqlState) {
		return LOCK_NOT_AVAILABLE.equals(sqlState) || DEADLOCK_DETECTED.equals(sqlState);
	}

}
