package io.pigeon.internal.durable.operations;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import javax.sql.DataSource;

import io.pigeon.internal.durable.DurableLogSql;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.util.Assert;

/**
 * One round of the log's maintenance, run every {@code pigeon.durable.maintenance-interval} in
 * every instance and serialised across instances by a transaction-level advisory lock (an
 * instance that finds it taken skips the round: another one is doing the work). Each step is a
 * short transaction of its own, so a step that cannot finish (a lock not granted within
 * {@link #LOCK_TIMEOUT}) is tried again at the next round and never holds up writers for long:
 * <ol>
 * <li><b>Stale subscriptions.</b> A lease row whose {@code last_held} is older than the
 * subscription expiry and that has no live holder gets {@code stale_since}; it is logged once,
 * at WARN, when that happens. A stale subscription no longer holds events back.</li>
 * <li><b>Closing.</b> A slot rotated out of use gets its {@code closed_at} and
 * {@code closed_xmax = pg_snapshot_xmax(pg_current_snapshot())}, in a transaction that starts
 * after the rotation committed: every transaction that had a txid while the slot was current
 * has one below {@code closed_xmax}.</li>
 * <li><b>Truncation.</b> A closed slot is emptied with {@code TRUNCATE} when it was closed at
 * least the retention ago and every live subscription's snapshot has an {@code xmin} of at
 * least {@code closed_xmax}; one {@code pigeon_log_truncation} row per channel records what it
 * held, then the slot is marked empty.</li>
 * <li><b>Rotation.</b> When the current slot has been current for half the retention and the
 * next one is empty, the next one becomes current; the old one is closed (step 2) right after
 * the switch commits.</li>
 * </ol>
 * <p>
 * <b>Why truncation never drops an unprocessed event.</b> A subscription has processed every
 * event visible in its snapshot, and a snapshot with {@code xmin >= closed_xmax} sees every
 * transaction below {@code closed_xmax} as ended: the slot's events of all transactions that
 * had a txid when the slot was closed were processed or rolled back. That condition is cheap
 * and selects the candidates; it does not cover a writer whose statement (or, under
 * {@code REPEATABLE READ}, whose transaction) read the old slot as current before the rotation
 * and obtained its txid only after {@code closed_xmax} was taken. So the truncation first takes
 * the slot table's {@code ACCESS EXCLUSIVE} lock (bounded by {@code lock_timeout}: a writer
 * still in the slot makes it fail, and it is retried next round) and then checks, exactly, that
 * no live subscription has an event in the slot that is invisible in its snapshot. Under that
 * lock nobody can add events to the slot, and every event in it is committed or rolled back, so
 * the check and the {@code TRUNCATE} see the same rows; a writer that reaches the slot later
 * waits for the lock and writes into the emptied slot, where its events are read as usual. The
 * check reads only events with a txid of at least each snapshot's {@code xmin}, a handful once
 * the cheap condition holds. Stale subscriptions are left out on purpose: what they miss is
 * recorded in {@code pigeon_log_truncation} and reported to them when they return.
 * <p>
 * A user's write never fails because of maintenance: writers only read
 * {@code pigeon_log_slot} (never locked against readers) and write the current slot, which
 * maintenance never locks; the only lock a writer can meet is the truncated slot's, for at most
 * {@link #LOCK_TIMEOUT}, and only if it still writes a slot closed for longer than the retention.
 * <p>
 * Internal: not an API.
 */
public final class LogMaintenance implements Runnable {

	/** The longest wait for a lock, after which the step is tried again at the next round. */
	public static final Duration LOCK_TIMEOUT = Duration.ofSeconds(1);

	private static final String LOCK_NOT_AVAILABLE = "55P03";

	private static final Log logger = LogFactory.getLog(LogMaintenance.class);

	private final DataSource dataSource;

	private final Supplier<DurableLogSql> log;

	private final Duration retention;

	private final Duration subscriptionExpiry;

	/**
	 * Create the maintenance.
	 * @param dataSource Pigeon's database (connections in auto-commit mode, as a pool gives them)
	 * @param log the log's SQL
	 * @param retention {@code pigeon.durable.retention}
	 * @param subscriptionExpiry {@code pigeon.durable.subscription-expiry}
	 */
	public LogMaintenance(DataSource dataSource, Supplier<DurableLogSql> log, Duration retention,
			Duration subscriptionExpiry) {
		Assert.isTrue(retention.toMillis() > 0, "retention must be positive");
		Assert.isTrue(subscriptionExpiry.toMillis() > 0, "subscriptionExpiry must be positive");
		this.dataSource = dataSource;
		this.log = log;
		this.retention = retention;
		this.subscriptionExpiry = subscriptionExpiry;
	}

	/**
	 * Run one round; a failure is logged and the round is tried again at the next run.
	 */
	@Override
	public void run() {
		try {
			runOnce();
		}
		catch (SQLException | RuntimeException ex) {
			logger.warn("Pigeon could not maintain the durable log (tried again at the next run): " + ex);
		}
	}

	/**
	 * Run one round.
	 * @return what it did
	 * @throws SQLException on a database error
	 */
	public Round runOnce() throws SQLException {
		OperationsSql sql = new OperationsSql(this.log.get());
		try (Connection connection = this.dataSource.getConnection()) {
			if (!logExists(connection, sql)) {
				return Round.NOTHING;
			}
			boolean autoCommit = connection.getAutoCommit();
			connection.setAutoCommit(false);
			try {
				Round round = new Round(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
				if (!step(connection, sql, () -> markStale(connection, sql, round))) {
					return Round.SKIPPED;
				}
				step(connection, sql, () -> round.closed().addAll(close(connection, sql)));
				truncate(connection, sql, round);
				if (step(connection, sql, () -> rotate(connection, sql, round)) && !round.rotatedTo().isEmpty()) {
					step(connection, sql, () -> round.closed().addAll(close(connection, sql)));
				}
				return round;
			}
			finally {
				if (!connection.isClosed()) {
					connection.rollback();
					connection.setAutoCommit(autoCommit);
				}
			}
		}
	}

	private static boolean logExists(Connection connection, OperationsSql sql) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(sql.logExists())) {
			statement.setString(1, sql.slotTableName());
			try (ResultSet rs = statement.executeQuery()) {
				return rs.next() && rs.getBoolean(1);
			}
		}
	}

	/**
	 * Run one step in a transaction of its own under the maintenance lock.
	 * @return whether the step ran (false: another instance holds the lock, or a lock was not
	 * granted in time)
	 */
	private boolean step(Connection connection, OperationsSql sql, Work work) throws SQLException {
		try {
			try (PreparedStatement statement = connection.prepareStatement(sql.setLockTimeout())) {
				statement.setString(1, LOCK_TIMEOUT.toMillis() + "ms");
				statement.execute();
			}
			try (PreparedStatement statement = connection.prepareStatement(sql.tryLock())) {
				statement.setLong(1, lockKey(sql.log()));
				try (ResultSet rs = statement.executeQuery()) {
					if (!rs.next() || !rs.getBoolean(1)) {
						connection.rollback();
						logger.debug("Pigeon's log maintenance runs in another instance: skipped here");
						return false;
					}
				}
			}
			boolean commit = work.run();
			if (commit) {
				connection.commit();
			}
			else {
				connection.rollback();
			}
			return true;
		}
		catch (SQLException ex) {
			connection.rollback();
			if (LOCK_NOT_AVAILABLE.equals(ex.getSQLState())) {
				logger.debug("Pigeon's log maintenance waited " + LOCK_TIMEOUT.toMillis()
						+ " ms for a lock; the step is tried again at the next run: " + ex.getMessage());
				return false;
			}
			throw ex;
		}
	}

	private boolean markStale(Connection connection, OperationsSql sql, Round round) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(sql.markStale())) {
			statement.setLong(1, this.subscriptionExpiry.toMillis());
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					String subscription = rs.getString("subscription");
					int lane = rs.getInt("lane");
					Timestamp lastHeld = rs.getTimestamp("last_held");
					round.stale().add(subscription);
					logger.warn("Pigeon's durable subscription '" + subscription + "' (lane " + lane
							+ ") has not been held by any instance since " + lastHeld.toInstant()
							+ ", longer than pigeon.durable.subscription-expiry (" + this.subscriptionExpiry
							+ "): it is now stale and no longer keeps events in the log. Events it has not processed "
							+ "are removed once older than pigeon.durable.retention (" + this.retention
							+ "); when it returns it is told what it missed.");
				}
			}
		}
		return true;
	}

	private static List<Integer> close(Connection connection, OperationsSql sql) throws SQLException {
		List<Integer> closed = new ArrayList<>();
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery(sql.closeRotatedSlots())) {
			while (rs.next()) {
				closed.add(rs.getInt(1));
			}
		}
		return closed;
	}

	private void truncate(Connection connection, OperationsSql sql, Round round) throws SQLException {
		List<Integer> candidates = new ArrayList<>();
		boolean ran = step(connection, sql, () -> {
			try (PreparedStatement statement = connection.prepareStatement(sql.truncatableSlots())) {
				statement.setLong(1, this.retention.toMillis());
				try (ResultSet rs = statement.executeQuery()) {
					while (rs.next()) {
						candidates.add(rs.getInt("slot"));
					}
				}
			}
			return false;
		});
		if (!ran) {
			return;
		}
		for (int slot : candidates) {
			step(connection, sql, () -> truncateSlot(connection, sql, slot, round));
		}
	}

	private boolean truncateSlot(Connection connection, OperationsSql sql, int slot, Round round)
			throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(sql.lockSlotTable(slot));
			// Rechecked under the lock: the candidate may have been emptied by another instance.
			try (PreparedStatement check = connection.prepareStatement(sql.truncatableSlots())) {
				check.setLong(1, this.retention.toMillis());
				boolean stillCandidate = false;
				try (ResultSet rs = check.executeQuery()) {
					while (rs.next()) {
						stillCandidate |= rs.getInt("slot") == slot;
					}
				}
				if (!stillCandidate) {
					return false;
				}
			}
			try (ResultSet rs = statement.executeQuery(sql.subscriptionsWithUnprocessedEvents(slot))) {
				if (rs.next() && rs.getLong(1) > 0) {
					logger.debug("Pigeon keeps log slot " + slot + ": " + rs.getLong(1)
							+ " subscription(s) have not processed all of its events");
					return false;
				}
			}
			int channels = statement.executeUpdate(sql.recordTruncation(slot));
			statement.execute(sql.truncate(slot));
			try (PreparedStatement empty = connection.prepareStatement(sql.markEmpty())) {
				empty.setInt(1, slot);
				empty.executeUpdate();
			}
			round.truncated().add(slot);
			if (logger.isDebugEnabled()) {
				logger.debug("Pigeon emptied log slot " + slot + " (events of " + channels + " channel(s))");
			}
			return true;
		}
	}

	private boolean rotate(Connection connection, OperationsSql sql, Round round) throws SQLException {
		int current = -1;
		boolean due = false;
		boolean[] empty = new boolean[DurableLogSql.SLOTS];
		try (PreparedStatement statement = connection.prepareStatement(sql.lockSlots())) {
			statement.setLong(1, this.retention.toMillis() / 2);
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					int slot = rs.getInt("slot");
					if (rs.getBoolean("current")) {
						current = slot;
						due = rs.getBoolean("due");
					}
					empty[slot] = rs.getBoolean("empty");
				}
			}
		}
		if (current < 0 || !due) {
			return false;
		}
		int next = (current + 1) % DurableLogSql.SLOTS;
		if (!empty[next]) {
			logger.debug("Pigeon cannot rotate the log yet: slot " + next + " still holds events");
			return false;
		}
		// The old slot first: the unique index allows one current slot.
		try (PreparedStatement retire = connection.prepareStatement(sql.retireSlot());
				PreparedStatement open = connection.prepareStatement(sql.openSlot())) {
			retire.setInt(1, current);
			retire.executeUpdate();
			open.setInt(1, next);
			open.executeUpdate();
		}
		round.rotatedTo().add(next);
		return true;
	}

	static long lockKey(DurableLogSql log) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256")
				.digest(("pigeon:durable-maintenance:" + log.schema()).getBytes(StandardCharsets.UTF_8));
			return ByteBuffer.wrap(digest).getLong();
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@FunctionalInterface
	private interface Work {

		/**
		 * @return whether to commit
		 */
		boolean run() throws SQLException;

	}

	/**
	 * What one round did.
	 *
	 * @param stale the subscriptions that became stale
	 * @param closed the slots whose closing was recorded
	 * @param truncated the slots emptied
	 * @param rotatedTo the slot that became current, if any
	 */
	public record Round(List<String> stale, List<Integer> closed, List<Integer> truncated, List<Integer> rotatedTo) {

		static final Round NOTHING = new Round(List.of(), List.of(), List.of(), List.of());

		static final Round SKIPPED = new Round(List.of(), List.of(), List.of(), List.of());

	}

}
