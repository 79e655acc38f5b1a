package io.pigeon.internal.sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import io.pigeon.test.PigeonTestDatabase;

import static org.awaitility.Awaitility.await;

/**
 * A raw pgjdbc LISTEN connection for the trigger tests. {@link #received()} returns exactly the
 * notifications of the transactions committed before it was called: it sends a notification of
 * its own (a fence) and collects until the fence arrives, relying on PostgreSQL delivering
 * notifications in commit order. Nothing waits for a fixed time, and a notification that should
 * not have been sent cannot slip past the assertion.
 */
final class NotificationCollector implements AutoCloseable {

	private static final String FENCE_CHANNEL = "pigeon_test_fence";

	static final JsonMapper JSON = JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

	private final Connection connection;

	private final PGConnection pgConnection;

	private final List<PGNotification> pending = new ArrayList<>();

	NotificationCollector(String... channels) throws SQLException {
		this.connection = PigeonTestDatabase.get().connect();
		this.pgConnection = this.connection.unwrap(PGConnection.class);
		try (Statement statement = this.connection.createStatement()) {
			statement.execute("LISTEN " + SqlIdentifiers.quote(FENCE_CHANNEL));
			for (String channel : channels) {
				statement.execute("LISTEN " + SqlIdentifiers.quote(channel));
			}
		}
	}

	/**
	 * Return the notifications of every transaction committed so far that this collector has
	 * not returned yet, in delivery order.
	 * @return the notifications
	 * @throws SQLException if the connection fails
	 */
	List<Notification> received() throws SQLException {
		String fence = UUID.randomUUID().toString();
		try (Statement statement = this.connection.createStatement()) {
			statement.execute("SELECT pg_notify(" + SqlIdentifiers.literal(FENCE_CHANNEL) + ", "
					+ SqlIdentifiers.literal(fence) + ")");
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			PGNotification[] notifications = this.pgConnection.getNotifications(100);
			if (notifications != null) {
				this.pending.addAll(List.of(notifications));
			}
			return this.pending.stream().anyMatch((notification) -> isFence(notification, fence));
		});
		List<Notification> received = new ArrayList<>();
		while (!this.pending.isEmpty()) {
			PGNotification notification = this.pending.remove(0);
			if (isFence(notification, fence)) {
				break;
			}
			if (FENCE_CHANNEL.equals(notification.getName())) {
				// another collector's fence
				continue;
			}
			received.add(new Notification(notification.getName(),
					(ObjectNode) JSON.readTree(notification.getParameter()), notification.getParameter()));
		}
		return received;
	}

	private static boolean isFence(PGNotification notification, String fence) {
		return FENCE_CHANNEL.equals(notification.getName()) && fence.equals(notification.getParameter());
	}

	@Override
	public void close() throws SQLException {
		this.connection.close();
	}

	/**
	 * One notification.
	 *
	 * @param channel the channel it arrived on
	 * @param payload the parsed payload
	 * @param text the payload as sent
	 */
	record Notification(String channel, ObjectNode payload, String text) {

	}

}
