package io.pigeon.internal.listener.notify;

import java.lang.reflect.Field;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.pigeon.test.PigeonTestDatabase;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guards {@link PgjdbcNotificationLatencyTuner} against pgjdbc upgrades: these tests fail when
 * the driver's internals no longer match (the tuner would fall back to stock batching), or when
 * the adjustment no longer stops pgjdbc from waiting for a quiet socket.
 */
class PgjdbcNotificationLatencyTunerIntegrationTests {

	private static final PigeonTestDatabase database = PigeonTestDatabase.get();

	private final PgjdbcNotificationLatencyTuner tuner = new PgjdbcNotificationLatencyTuner();

	@Test
	void adjustmentAppliesToThisDriverVersion() throws Exception {
		assertThat(this.tuner.isSupported())
			.as("pgjdbc's internals changed: PgjdbcNotificationLatencyTuner must be revised for this driver")
			.isTrue();
		try (Connection connection = database.connect()) {
			assertThat(this.tuner.apply(connection)).isTrue();
			assertThat(this.tuner.isApplied(connection)).isTrue();
			Object stream = pgStream(connection);
			assertThat(longField(stream, "nextStreamAvailableCheckTime")).isEqualTo(Long.MAX_VALUE);
			assertThat(intField(stream, "minStreamAvailableCheckDelay")).isEqualTo(Integer.MAX_VALUE);
		}
	}

	@Test
	void untunedConnectionReportsNotApplied() throws Exception {
		try (Connection connection = database.connect()) {
			assertThat(this.tuner.isApplied(connection)).isFalse();
		}
	}

	@Test
	void tunedConnectionNeverWaitsForAQuietSocket() throws Exception {
		// The stock connection proves the counter sees pgjdbc's quiet-wait peeks at all.
		assertThat(peeksWhileReceiving(false)).isPositive();
		assertThat(peeksWhileReceiving(true)).isZero();
	}

	private int peeksWhileReceiving(boolean tuned) throws Exception {
		String channel = PigeonTestDatabase.uniqueName("tuner_peek");
		try (Connection listener = peekCountingConnection(); Connection sender = database.connect()) {
			if (tuned) {
				assertThat(this.tuner.apply(listener)).isTrue();
			}
			listen(listener, channel);
			PeekCountingSocketFactory.peeks.set(0);
			int received = 0;
			for (int i = 0; i < 5; i++) {
				notify(sender, channel, "n" + i);
				received += receive(listener, 1).size();
			}
			assertThat(received).isEqualTo(5);
			return PeekCountingSocketFactory.peeks.get();
		}
	}

	/**
	 * While a server-side loop commits one notification after another, a notification sent on
	 * another channel is returned mid-stream and notifications come in small batches, instead of
	 * waiting in batches of hundreds for the stream to pause. The stock connection, measured on the
	 * same stream in the same test, is the yardstick: a busy machine slows both alike. Speed is
	 * the benchmark's business.
	 */
	@Test
	void notificationDuringAStreamIsReturnedPromptlyInSmallBatches() throws Exception {
		StreamReception stock = receiveDuringAStream(false);
		StreamReception tuned = receiveDuringAStream(true);
		assertThat(tuned.averageBatch() * 2)
			.as("tuned average batch (batches: %s) against stock (batches: %s)", tuned.batchSizes(),
					stock.batchSizes())
			.isLessThan(stock.averageBatch());
		// Not held until the stream pauses: the stream was still being received after the probe.
		assertThat(tuned.noiseAfterProbe()).as("notifications of the stream received after the probe").isPositive();
		assertThat(tuned.probeBatchSize()).isLessThan(stock.largestBatch());
		assertThat(tuned.probeLatency()).isLessThan(Duration.ofSeconds(10));
	}

	private StreamReception receiveDuringAStream(boolean tuned) throws Exception {
		String noise = PigeonTestDatabase.uniqueName("tuner_noise");
		String probe = PigeonTestDatabase.uniqueName("tuner_probe");
		int noiseCount = 2000;
		try (Connection listener = database.connect(); Connection streamer = database.connect();
				Connection prober = database.connect()) {
			if (tuned) {
				assertThat(this.tuner.apply(listener)).isTrue();
			}
			listen(listener, noise);
			listen(listener, probe);
			CompletableFuture<Void> stream = CompletableFuture.runAsync(() -> stream(streamer, noise, noiseCount));
			List<Integer> batchSizes = new ArrayList<>();
			int noiseReceived = 0;
			int noiseAfterProbe = 0;
			long probeSentAt = 0;
			long probeReceivedAt = 0;
			int probeBatchSize = 0;
			PGConnection pg = listener.unwrap(PGConnection.class);
			while (noiseReceived < noiseCount || probeReceivedAt == 0) {
				PGNotification[] batch = pg.getNotifications(10_000);
				assertThat(batch).as("nothing received for 10 s").isNotEmpty();
				batchSizes.add(batch.length);
				boolean probeReceivedBefore = probeReceivedAt != 0;
				for (PGNotification notification : batch) {
					if (notification.getName().equals(probe)) {
						probeReceivedAt = System.nanoTime();
						probeBatchSize = batch.length;
					}
					else {
						noiseReceived++;
						if (probeReceivedBefore) {
							noiseAfterProbe++;
						}
					}
				}
				if (probeSentAt == 0 && noiseReceived >= noiseCount / 3) {
					probeSentAt = System.nanoTime();
					notify(prober, probe, "probe");
				}
			}
			stream.get(30, TimeUnit.SECONDS);
			return new StreamReception(batchSizes, probeBatchSize, noiseAfterProbe,
					Duration.ofNanos(probeReceivedAt - probeSentAt));
		}
	}

	/**
	 * What a listener received during a stream.
	 * @param batchSizes the size of every batch, in order
	 * @param probeBatchSize the size of the batch that held the probe
	 * @param noiseAfterProbe notifications of the stream received in later batches than the probe
	 * @param probeLatency from sending the probe to receiving it
	 */
	private record StreamReception(List<Integer> batchSizes, int probeBatchSize, int noiseAfterProbe,
			Duration probeLatency) {

		double averageBatch() {
			return this.batchSizes.stream().mapToInt(Integer::intValue).average().orElseThrow();
		}

		int largestBatch() {
			return this.batchSizes.stream().mapToInt(Integer::intValue).max().orElseThrow();
		}

	}

	private static void stream(Connection connection, String channel, int count) {
		try (Statement statement = connection.createStatement()) {
			statement.execute("SET synchronous_commit = off");
			// One commit every 0.3 ms, from the server itself: a steady stream without the pauses
			// of client round trips, never quiet for the 1 ms pgjdbc waits for (pg_sleep cannot
			// wait less than 1 ms, hence the spin).
			statement.execute(String.format(Locale.ROOT, """
					DO $$
					DECLARE
						next timestamptz;
					BEGIN
						FOR i IN 1..%d LOOP
							next := clock_timestamp() + interval '300 microseconds';
							PERFORM pg_notify('%s', i::text);
							COMMIT;
							WHILE clock_timestamp() < next LOOP
							END LOOP;
						END LOOP;
					END $$""", count, channel));
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Connection peekCountingConnection() throws SQLException {
		Properties properties = new Properties();
		properties.setProperty("user", database.getUsername());
		properties.setProperty("password", database.getPassword());
		properties.setProperty("socketFactory", PeekCountingSocketFactory.class.getName());
		return DriverManager.getConnection(database.getJdbcUrl(), properties);
	}

	private static void listen(Connection connection, String channel) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute("LISTEN " + channel);
		}
	}

	private static void notify(Connection connection, String channel, String payload) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
			statement.setString(1, channel);
			statement.setString(2, payload);
			statement.execute();
		}
	}

	private static List<PGNotification> receive(Connection connection, int count) throws SQLException {
		List<PGNotification> received = new ArrayList<>();
		PGConnection pg = connection.unwrap(PGConnection.class);
		while (received.size() < count) {
			PGNotification[] batch = pg.getNotifications(10_000);
			assertThat(batch).as("nothing received for 10 s").isNotEmpty();
			received.addAll(List.of(batch));
		}
		return received;
	}

	private static Object pgStream(Connection connection) throws Exception {
		Object executor = connection.unwrap(org.postgresql.core.BaseConnection.class).getQueryExecutor();
		Field field = org.postgresql.core.QueryExecutorBase.class.getDeclaredField("pgStream");
		field.setAccessible(true);
		return field.get(executor);
	}

	private static long longField(Object target, String name) throws Exception {
		Field field = target.getClass().getDeclaredField(name);
		field.setAccessible(true);
		return field.getLong(target);
	}

	private static int intField(Object target, String name) throws Exception {
		Field field = target.getClass().getDeclaredField(name);
		field.setAccessible(true);
		return field.getInt(target);
	}

}
