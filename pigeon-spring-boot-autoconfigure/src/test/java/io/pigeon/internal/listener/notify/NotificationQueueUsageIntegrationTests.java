package io.pigeon.internal.listener.notify;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.pigeon.test.PigeonTestDatabase;
import org.junit.jupiter.api.Test;

import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link NotificationQueueUsage} against a real PostgreSQL: the value is the cluster's
 * {@code pg_notification_queue_usage()}, from 0 to 1, it rises while a listening session holds
 * the queue's tail and notifications pile up, and it is read at most once per interval, never on
 * the caller's thread.
 */
class NotificationQueueUsageIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private final CountingDataSource dataSource = new CountingDataSource();

	@Test
	void readsTheClusterQueueUsageAndFollowsIt() throws Exception {
		NotificationQueueUsage usage = new NotificationQueueUsage(this.dataSource, Duration.ofMillis(100),
				new SimpleAsyncTaskExecutor("queue-usage-test-"));
		await().atMost(TIMEOUT).until(() -> !Double.isNaN(usage.get()));
		double before = usage.get();
		assertThat(before).isBetween(0.0, 1.0);
		String channel = PigeonTestDatabase.uniqueName("queue_usage");
		double peak;
		try (Connection stuck = PigeonTestDatabase.get().connect()) {
			try (Statement statement = stuck.createStatement()) {
				statement.execute("LISTEN " + channel);
			}
			// A listening session inside a transaction reads nothing: the queue's tail stays behind it.
			stuck.setAutoCommit(false);
			try (Statement statement = stuck.createStatement()) {
				statement.execute("SELECT 1");
			}
			fill(channel, 2_000);
			await().atMost(TIMEOUT).until(() -> usage.get() > before);
			peak = usage.get();
			assertThat(peak).isBetween(0.0, 1.0);
			stuck.rollback();
		}
		// The session gone, the tail moves on and the queue is released.
		await().atMost(TIMEOUT).until(() -> usage.get() < peak);
	}

	@Test
	void readsAtMostOncePerIntervalAndNeverOnTheCallersThread() {
		NotificationQueueUsage usage = new NotificationQueueUsage(this.dataSource, Duration.ofHours(1),
				new SimpleAsyncTaskExecutor("queue-usage-test-"));
		for (int i = 0; i < 1_000; i++) {
			usage.get();
		}
		await().atMost(TIMEOUT).until(() -> !Double.isNaN(usage.get()));
		for (int i = 0; i < 1_000; i++) {
			usage.get();
		}
		assertThat(this.dataSource.connections.get()).isEqualTo(1);
		assertThat(this.dataSource.threads).doesNotContain(Thread.currentThread().getName());
	}

	@Test
	void anUnreachableDatabaseReadsAsUnknown() {
		DriverManagerDataSource unreachable = new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:1/none");
		CountingDataSource counting = new CountingDataSource(unreachable);
		NotificationQueueUsage usage = new NotificationQueueUsage(counting, Duration.ofMillis(10),
				new SimpleAsyncTaskExecutor("queue-usage-test-"));
		await().atMost(TIMEOUT).until(() -> {
			assertThat(usage.get()).isNaN();
			return counting.connections.get() >= 2;
		});
	}

	private static void fill(String channel, int count) throws SQLException {
		String padding = "x".repeat(7_900);
		try (Connection connection = PigeonTestDatabase.get().connect();
				PreparedStatement statement = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
			connection.setAutoCommit(false);
			for (int i = 0; i < count; i++) {
				statement.setString(1, channel);
				// Distinct payloads: PostgreSQL folds identical notifications of one transaction.
				statement.setString(2, i + padding);
				statement.execute();
				if (i % 200 == 199) {
					connection.commit();
				}
			}
			connection.commit();
		}
	}

	static class CountingDataSource extends DelegatingDataSource {

		final AtomicInteger connections = new AtomicInteger();

		final Set<String> threads = ConcurrentHashMap.newKeySet();

		CountingDataSource() {
			this(testDatabase());
		}

		CountingDataSource(DataSource target) {
			super(target);
		}

		private static DataSource testDatabase() {
			PigeonTestDatabase database = PigeonTestDatabase.get();
			return new DriverManagerDataSource(database.getJdbcUrl(), database.getUsername(), database.getPassword());
		}

		@Override
		public Connection getConnection() throws SQLException {
			this.connections.incrementAndGet();
			this.threads.add(Thread.currentThread().getName());
			return super.getConnection();
		}

	}

}
