package io.pigeon.internal.listener.notify;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;

/**
 * Removes pgjdbc's quiet-wait from {@code PGConnection#getNotifications(int)} on the listener
 * connection, and only there.
 * <p>
 * After each notification, pgjdbc (checked against 42.7.14) asks {@code PGStream#hasMessagePending()}
 * whether more is coming. With nothing buffered, that method peeks the socket with a 1 ms wait, and
 * only once a peek finds nothing does it stop peeking for {@code minStreamAvailableCheckDelay}
 * (1 s). Under steady traffic every peek finds the next notification, so {@code getNotifications}
 * returns only after the socket has been quiet for 1 ms: notifications pile up into batches of
 * hundreds and wait up to a second (pgjdbc issue 1547). Setting the stream's private
 * {@code nextStreamAvailableCheckTime} to {@link Long#MAX_VALUE} (and the delay to its maximum)
 * makes {@code hasMessagePending()} answer from the bytes already received, never waiting:
 * {@code getNotifications} returns as soon as what has arrived is drained, and otherwise blocks in
 * its read, bounded by the time-out it is given.
 * <p>
 * The adjustment reaches into the driver's internals by reflection. When they have changed, it
 * changes nothing, logs one warning and the connection keeps pgjdbc's stock behaviour: correct,
 * only slower. {@code PgjdbcNotificationLatencyTunerIntegrationTests} fails when that happens, so
 * a driver upgrade that breaks it cannot go unnoticed.
 *
 * @since 0.1.0
 */
public final class PgjdbcNotificationLatencyTuner {

	private static final Log logger = LogFactory.getLog(PgjdbcNotificationLatencyTuner.class);

	private static final String BASE_CONNECTION = "org.postgresql.core.BaseConnection";

	private static final String QUERY_EXECUTOR_BASE = "org.postgresql.core.QueryExecutorBase";

	private static final String PG_STREAM = "org.postgresql.core.PGStream";

	private final @Nullable Internals internals;

	private final @Nullable String unsupportedReason;

	private final AtomicBoolean warned = new AtomicBoolean();

	/**
	 * Create a tuner for the pgjdbc driver on the class path, looking up the internals it
	 * adjusts.
	 */
	public PgjdbcNotificationLatencyTuner() {
		Internals found = null;
		String reason = null;
		try {
			found = Internals.lookUp(PGConnection.class.getClassLoader());
		}
		catch (ReflectiveOperationException | RuntimeException | LinkageError ex) {
			reason = ex.toString();
		}
		this.internals = found;
		this.unsupportedReason = reason;
	}

	/**
	 * Return whether the driver on the class path has the internals this tuner adjusts.
	 * @return {@code true} if {@link #apply(Connection)} can remove the quiet-wait
	 */
	public boolean isSupported() {
		return this.internals != null;
	}

	/**
	 * Remove the quiet-wait from the given pgjdbc connection, which must be used for nothing but
	 * listening. Logs one warning per tuner when that is not possible.
	 * @param connection an open pgjdbc connection
	 * @return {@code true} if the adjustment is in place, {@code false} if the connection keeps
	 * pgjdbc's stock behaviour
	 */
	public boolean apply(Connection connection) {
		Internals internals = this.internals;
		if (internals == null) {
			warnOnce(this.unsupportedReason);
			return false;
		}
		try {
			Object stream = internals.stream(connection);
			internals.setMinStreamAvailableCheckDelay.invoke(stream, Integer.MAX_VALUE);
			internals.nextStreamAvailableCheckTime.setLong(stream, Long.MAX_VALUE);
			return true;
		}
		catch (ReflectiveOperationException | SQLException | RuntimeException ex) {
			warnOnce(ex.toString());
			return false;
		}
	}

	/**
	 * Return whether the adjustment is in place on the given connection.
	 * @param connection an open pgjdbc connection
	 * @return {@code true} if {@code getNotifications} on it does not wait for a quiet socket
	 */
	public boolean isApplied(Connection connection) {
		Internals internals = this.internals;
		if (internals == null) {
			return false;
		}
		try {
			return internals.nextStreamAvailableCheckTime.getLong(internals.stream(connection)) == Long.MAX_VALUE;
		}
		catch (ReflectiveOperationException | SQLException | RuntimeException ex) {
			return false;
		}
	}

	private void warnOnce(@Nullable String reason) {
		if (this.warned.compareAndSet(false, true)) {
			logger.warn("Pigeon could not remove pgjdbc's 1 ms quiet-wait from the listener connection (" + reason
					+ "): notifications are still delivered, but in batches and with up to a second of extra "
					+ "latency under steady traffic. The pgjdbc version on the class path differs from the one "
					+ "Pigeon was built and tested with (42.7.14).");
		}
	}

	private record Internals(Class<?> baseConnection, Method getQueryExecutor, Class<?> queryExecutorBase,
			Field pgStream, Method setMinStreamAvailableCheckDelay, Field nextStreamAvailableCheckTime) {

		static Internals lookUp(ClassLoader classLoader) throws ReflectiveOperationException {
			Class<?> baseConnection = Class.forName(BASE_CONNECTION, false, classLoader);
			Class<?> queryExecutorBase = Class.forName(QUERY_EXECUTOR_BASE, false, classLoader);
			Class<?> pgStreamType = Class.forName(PG_STREAM, false, classLoader);
			Method getQueryExecutor = baseConnection.getMethod("getQueryExecutor");
			Field pgStream = queryExecutorBase.getDeclaredField("pgStream");
			require(pgStream.getType() == pgStreamType, pgStream + " is not a " + PG_STREAM);
			Method setDelay = pgStreamType.getMethod("setMinStreamAvailableCheckDelay", int.class);
			Field nextCheck = pgStreamType.getDeclaredField("nextStreamAvailableCheckTime");
			require(nextCheck.getType() == long.class && !Modifier.isStatic(nextCheck.getModifiers()),
					nextCheck + " is not an instance field of type long");
			pgStream.setAccessible(true);
			nextCheck.setAccessible(true);
			return new Internals(baseConnection, getQueryExecutor, queryExecutorBase, pgStream, setDelay, nextCheck);
		}

		private static void require(boolean condition, String message) throws NoSuchFieldException {
			if (!condition) {
				throw new NoSuchFieldException(message);
			}
		}

		Object stream(Connection connection) throws ReflectiveOperationException, SQLException {
			Object baseConnection = connection.unwrap(this.baseConnection);
			Object executor = this.getQueryExecutor.invoke(baseConnection);
			if (!this.queryExecutorBase.isInstance(executor)) {
				throw new IllegalStateException("query executor " + executor.getClass().getName() + " is not a "
						+ QUERY_EXECUTOR_BASE);
			}
			Object stream = this.pgStream.get(executor);
			if (stream == null) {
				throw new IllegalStateException("connection has no PGStream");
			}
			return stream;
		}

	}

}
