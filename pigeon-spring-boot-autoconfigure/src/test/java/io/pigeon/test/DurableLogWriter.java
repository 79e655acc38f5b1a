package io.pigeon.test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.pigeon.internal.durable.DurableLogSql;
import io.pigeon.internal.payload.PayloadContract;

/**
 * Writes events into Pigeon's change log as durable triggers do: the transaction's id first,
 * then the event's id from the sequence, a payload by the contract with its {@code "id"} after
 * {@code "ts"}, and the wake-up NOTIFY of the channel.
 */
public final class DurableLogWriter {

	private final PigeonTestDatabase database;

	private final DurableLogSql sql;

	public DurableLogWriter(PigeonTestDatabase database, DurableLogSql sql) {
		this.database = database;
		this.sql = sql;
	}

	/**
	 * Write one row-level INSERT event in its own transaction.
	 * @param channel the channel
	 * @param data the row as a JSON object
	 * @return the event's id
	 * @throws SQLException if the database fails
	 */
	public long write(String channel, String data) throws SQLException {
		try (Connection connection = this.database.connect()) {
			// One transaction, as a trigger's: its id is obtained before the event's.
			connection.setAutoCommit(false);
			long id = write(connection, channel, data);
			connection.commit();
			return id;
		}
	}

	/**
	 * Write one row-level INSERT event in the connection's transaction.
	 * @param connection the connection, in a transaction or auto-commit
	 * @param channel the channel
	 * @param data the row as a JSON object
	 * @return the event's id
	 * @throws SQLException if the database fails
	 */
	public long write(Connection connection, String channel, String data) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute("SELECT pg_current_xact_id()");
		}
		long id;
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT nextval('"
						+ this.sql.qualified(DurableLogSql.EVENT_ID_SEQUENCE).replace("'", "''") + "')")) {
			result.next();
			id = result.getLong(1);
		}
		String payload = ChangePayloads.row("INSERT", channel, data)
			.replaceFirst("(\"" + PayloadContract.TS + "\":-?\\d+)", "$1,\"" + PayloadContract.ID + "\":" + id);
		try (PreparedStatement insert = connection.prepareStatement("INSERT INTO "
				+ this.sql.qualified(DurableLogSql.LOG) + " (slot, id, txid, channel, created_at, payload) VALUES ("
				+ this.sql.currentSlotExpression() + ", ?, pg_current_xact_id(), ?, clock_timestamp(), ?)")) {
			insert.setLong(1, id);
			insert.setString(2, channel);
			insert.setString(3, payload);
			insert.executeUpdate();
		}
		try (PreparedStatement wakeUp = connection.prepareStatement(this.sql.wakeUp())) {
			wakeUp.setString(1, channel);
			wakeUp.execute();
		}
		return id;
	}

}
