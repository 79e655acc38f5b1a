package io.pigeon.internal.durable.operations;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import javax.sql.DataSource;

import io.pigeon.PigeonSubscriptions;
import io.pigeon.internal.durable.DurableLogSql;
import io.pigeon.internal.durable.LogPosition;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.jdbc.support.JdbcUtils;

/**
 * {@link PigeonSubscriptions} on the log's tables, through Pigeon's DataSource.
 * <p>
 * Internal: not an API.
 */
public final class JdbcPigeonSubscriptions implements PigeonSubscriptions {

	private final DataSource dataSource;

	private final JdbcTemplate jdbc;

	private final Supplier<DurableLogSql> log;

	/**
	 * Create the operations.
	 * @param dataSource Pigeon's database
	 * @param log the log's SQL
	 */
	public JdbcPigeonSubscriptions(DataSource dataSource, Supplier<DurableLogSql> log) {
		this.dataSource = dataSource;
		this.jdbc = new JdbcTemplate(dataSource);
		this.log = log;
	}

	private OperationsSql sql() {
		return new OperationsSql(this.log.get());
	}

	/**
	 * Return whether the log's tables exist.
	 * @return whether durable delivery was ever set up in this database
	 */
	public boolean logExists() {
		OperationsSql sql = sql();
		return Boolean.TRUE.equals(this.jdbc.queryForObject(sql.logExists(), Boolean.class, sql.slotTableName()));
	}

	@Override
	public List<Subscription> subscriptions() {
		return logExists() ? query(null) : List.of();
	}

	/**
	 * Return the bytes the log's tables and indexes take.
	 * @return the size, 0 when there is no log
	 */
	public long logSize() {
		if (!logExists()) {
			return 0;
		}
		OperationsSql sql = sql();
		Long size = this.jdbc.queryForObject(sql.logSize(), Long.class, sql.log().qualified(DurableLogSql.LOG));
		return (size != null) ? size : 0;
	}

	private List<Subscription> query(@Nullable String id) {
		return this.jdbc.query(sql().subscriptions(),
				(rs, row) -> new Subscription(rs.getString("id"), rs.getInt("lane"), rs.getString("channel"),
						rs.getString("holder"), instant(rs.getTimestamp("lease_until")),
						rs.getTimestamp("last_held").toInstant(), instant(rs.getTimestamp("stale_since")),
						rs.getLong("backlog"), Duration.ofNanos(rs.getLong("lag_micros") * 1000),
						rs.getLong("dead_letters")),
				id, id);
	}

	@Override
	public List<DeadLetter> deadLetters(String subscription) {
		if (!logExists()) {
			return List.of();
		}
		return this.jdbc.query(sql().deadLetters(),
				(rs, row) -> new DeadLetter(rs.getLong("id"), rs.getString("subscription"), rs.getLong("event_id"),
						rs.getString("channel"), rs.getString("payload"), rs.getString("exception_class"),
						rs.getString("exception_message"), rs.getString("stack_trace"), rs.getInt("attempts"),
						rs.getTimestamp("first_attempt_at").toInstant(), rs.getTimestamp("last_attempt_at").toInstant(),
						rs.getTimestamp("created_at").toInstant(), instant(rs.getTimestamp("redrive_requested_at"))),
				subscription);
	}

	@Override
	public boolean redrive(long deadLetterId) {
		return this.jdbc.update(sql().redrive(), deadLetterId) > 0;
	}

	@Override
	public int redriveAll(String subscription) {
		return this.jdbc.update(sql().redriveAll(), subscription);
	}

	@Override
	public boolean discard(long deadLetterId) {
		return this.jdbc.update(sql().discard(), deadLetterId) > 0;
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * In one transaction: the subscription's lease rows are locked {@code FOR UPDATE} (waiting
	 * for an acknowledgement in flight) and their generation incremented, which fences the
	 * holder; then each lane's position becomes {@code ("X:X:", L)}, where {@code X} is the
	 * smallest txid of the channel's events created at or after the instant (lowered to the
	 * oldest transaction in progress, which may still commit such events) and {@code L} the
	 * smallest id of the channel's events with a txid of at least {@code X}, minus one: every
	 * transaction from {@code X} on counts as not processed.
	 */
	@Override
	public void seek(String subscription, Instant instant) {
		OperationsSql sql = sql();
		Connection connection = DataSourceUtils.getConnection(this.dataSource);
		try {
			boolean autoCommit = connection.getAutoCommit();
			connection.setAutoCommit(false);
			try {
				seek(connection, sql, subscription, instant);
				connection.commit();
			}
			catch (SQLException | RuntimeException ex) {
				connection.rollback();
				throw ex;
			}
			finally {
				connection.setAutoCommit(autoCommit);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Pigeon could not move subscription '" + subscription + "': " + ex, ex);
		}
		finally {
			DataSourceUtils.releaseConnection(connection, this.dataSource);
		}
	}

	private void seek(Connection connection, OperationsSql sql, String subscription, Instant instant)
			throws SQLException {
		try (PreparedStatement lock = connection.prepareStatement(sql.lockLeases())) {
			lock.setString(1, subscription);
			lock.executeQuery().close();
		}
		List<Integer> lanes = new ArrayList<>();
		String channel = null;
		try (PreparedStatement statement = connection.prepareStatement(sql.subscriptionLanes())) {
			statement.setString(1, subscription);
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					lanes.add(rs.getInt("lane"));
					channel = rs.getString("channel");
				}
			}
		}
		if (channel == null) {
			throw new IllegalArgumentException("Pigeon has no durable subscription '" + subscription + "'");
		}
		Timestamp lastRemoved = single(connection, sql.lastRemoved(), Timestamp.class, channel);
		if (lastRemoved != null && !instant.isAfter(lastRemoved.toInstant())) {
			throw new IllegalArgumentException("Pigeon cannot replay subscription '" + subscription + "' from "
					+ instant + ": events of channel '" + channel + "' logged up to " + lastRemoved.toInstant()
					+ " were already removed from the log (pigeon.durable.retention). Seek to an instant after "
					+ lastRemoved.toInstant() + ".");
		}
		LogPosition position;
		String txid = single(connection, sql.replayTxid(), String.class, channel, Timestamp.from(instant));
		if (txid != null) {
			Long lowest = single(connection, sql.replayLowerId(), Long.class, channel, txid);
			long lowerId = (lowest != null) ? lowest - 1 : lastEventId(connection, sql);
			position = LogPosition.at(txid + ":" + txid + ":", lowerId);
		}
		else {
			// Nothing logged since: the end of the log, L before S as LogReader takes it.
			long lowerId = lastEventId(connection, sql);
			position = LogPosition.at(single(connection, sql.log().currentSnapshot(), String.class), lowerId);
		}
		try (PreparedStatement bump = connection.prepareStatement(sql.bumpGeneration())) {
			bump.setString(1, subscription);
			bump.executeUpdate();
		}
		try (PreparedStatement update = connection.prepareStatement(sql.setPosition())) {
			for (int lane : lanes) {
				update.setString(1, position.snapshot());
				update.setLong(2, position.lowerId());
				update.setString(3, subscription);
				update.setInt(4, lane);
				update.executeUpdate();
			}
		}
	}

	private static long lastEventId(Connection connection, OperationsSql sql) throws SQLException {
		Long id = single(connection, sql.log().lastEventId(), Long.class);
		return (id != null) ? id : 0;
	}

	private static <T> @Nullable T single(Connection connection, String query, Class<T> type, Object... parameters)
			throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(query)) {
			for (int i = 0; i < parameters.length; i++) {
				statement.setObject(i + 1, parameters[i]);
			}
			try (ResultSet rs = statement.executeQuery()) {
				return rs.next() ? type.cast(JdbcUtils.getResultSetValue(rs, 1, type)) : null;
			}
		}
	}

	private static @Nullable Instant instant(@Nullable Timestamp timestamp) {
		return (timestamp != null) ? timestamp.toInstant() : null;
	}

}
