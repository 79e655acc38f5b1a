package io.pigeon.test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Sends notifications to the test database with {@code pg_notify}, on a connection of its own in
 * auto-commit mode.
 */
public final class TestNotifier implements AutoCloseable {

	private final Connection connection;

	public TestNotifier(PigeonTestDatabase database) throws SQLException {
		this.connection = database.connect();
	}

	/**
	 * Send one notification, committed at once.
	 * @param channel the channel
	 * @param payload the payload
	 * @throws SQLException if the database refuses it
	 */
	public synchronized void send(String channel, String payload) throws SQLException {
		try (PreparedStatement statement = this.connection.prepareStatement("SELECT pg_notify(?, ?)")) {
			statement.setString(1, channel);
			statement.setString(2, payload);
			statement.execute();
		}
	}

	/**
	 * Send several notifications in one transaction.
	 * @param channel the channel
	 * @param payloads the payloads, in order
	 * @throws SQLException if the database refuses them
	 */
	public synchronized void sendInOneTransaction(String channel, List<String> payloads) throws SQLException {
		this.connection.setAutoCommit(false);
		try (PreparedStatement statement = this.connection.prepareStatement("SELECT pg_notify(?, ?)")) {
			for (String payload : payloads) {
				statement.setString(1, channel);
				statement.setString(2, payload);
				statement.addBatch();
			}
			statement.executeBatch();
			this.connection.commit();
		}
		finally {
			this.connection.setAutoCommit(true);
		}
	}

	@Override
	public void close() throws SQLException {
		this.connection.close();
	}

}
