package io.pigeon.internal.durable.operations;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

import io.pigeon.internal.durable.DurableLogSql;
import io.pigeon.internal.durable.LogPosition;
import io.pigeon.test.PigeonTestDatabase;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A log in a schema of its own, written as durable triggers write it, with subscriptions and
 * leases registered as workers register them.
 */
final class DurableLogFixture implements AutoCloseable {

	final PigeonTestDatabase database = PigeonTestDatabase.get();

	final String schema = PigeonTestDatabase.uniqueName("pigeon_durable_ops");

	final DriverManagerDataSource dataSource;

	final JdbcTemplate jdbc;

	final DurableLogSql sql;

	DurableLogFixture() {
		this.dataSource = new DriverManagerDataSource(this.database.getJdbcUrl(), this.database.getUsername(),
				this.database.getPassword());
		this.jdbc = new JdbcTemplate(this.dataSource);
		this.jdbc.execute("CREATE SCHEMA " + this.schema);
		this.sql = new DurableLogSql(this.schema);
		this.jdbc.execute(this.sql.createObjects());
	}

	@Override
	public void close() {
		this.jdbc.execute("DROP SCHEMA " + this.schema + " CASCADE");
	}

	void subscribe(String id, String channel, LogPosition position, String holder) {
		this.jdbc.update(this.sql.registerSubscription(), id, 0, channel, position.snapshot(), position.lowerId());
		this.jdbc.update(this.sql.registerLease(), id, 0);
		this.jdbc.queryForList(this.sql.acquireLease(), DurableLogSql.acquireLeaseParameters(id, 0, holder, 60_000));
	}

	long generation(String id) {
		Long generation = this.jdbc.queryForObject("SELECT generation FROM " + this.sql.qualified(DurableLogSql.SUBSCRIPTION_LEASE)
				+ " WHERE subscription = ?", Long.class, id);
		return (generation != null) ? generation : -1;
	}

	void store(String id, LogPosition position) {
		long generation = generation(id);
		String holder = this.jdbc.queryForObject("SELECT holder FROM "
				+ this.sql.qualified(DurableLogSql.SUBSCRIPTION_LEASE) + " WHERE subscription = ?", String.class, id);
		int updated = this.jdbc.update(this.sql.acknowledge(),
				DurableLogSql.acknowledgeParameters(id, 0, holder, generation, position));
		if (updated != 1) {
			throw new IllegalStateException("position of " + id + " not stored");
		}
	}

	LogPosition position(String id) {
		return this.jdbc.queryForObject(this.sql.position(),
				(rs, row) -> new LogPosition(rs.getString("snapshot"), rs.getLong("lower_id"),
						rs.getString("batch_snapshot"), (Long) rs.getObject("batch_lower_id"),
						(Long) rs.getObject("batch_last_id")),
				id, 0);
	}

	void logCommitted(String channel, String payload) throws SQLException {
		logCommitted(channel, payload, 0);
	}

	void logCommitted(String channel, String payload, int secondsAgo) throws SQLException {
		try (Connection connection = this.database.connect()) {
			log(connection, channel, payload, secondsAgo);
		}
	}

	/** As durable triggers do: the transaction's id first, then the event's, into the current slot. */
	void log(Connection connection, String channel, String payload, int secondsAgo) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute("SELECT pg_current_xact_id()");
		}
		try (PreparedStatement statement = connection.prepareStatement("INSERT INTO "
				+ this.sql.qualified(DurableLogSql.LOG) + " (slot, id, txid, channel, created_at, payload) VALUES ("
				+ this.sql.currentSlotExpression() + ", nextval('" + this.sql.qualified(DurableLogSql.EVENT_ID_SEQUENCE)
				+ "'), pg_current_xact_id(), ?, clock_timestamp() - ? * interval '1 second', ?)")) {
			statement.setString(1, channel);
			statement.setInt(2, secondsAgo);
			statement.setString(3, payload);
			statement.executeUpdate();
		}
	}

	int currentSlot() {
		Integer slot = this.jdbc.queryForObject(this.sql.currentSlotExpression().replaceAll("^\\(|\\)$", ""),
				Integer.class);
		return (slot != null) ? slot : -1;
	}

	long eventsInSlot(int slot) {
		Long count = this.jdbc.queryForObject("SELECT count(*) FROM " + this.sql.qualified(DurableLogSql.slotTable(slot)),
				Long.class);
		return (count != null) ? count : -1;
	}

}
