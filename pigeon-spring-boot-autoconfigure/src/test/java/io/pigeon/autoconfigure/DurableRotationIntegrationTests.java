package io.pigeon.autoconfigure;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.pigeon.PigeonEvent;
import io.pigeon.PigeonListener;
import io.pigeon.test.PigeonTestDatabase;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Single-row writers across many rotations and truncations of the log (retention 2 s,
 * maintenance every 200 ms): a transactional durable subscription receives every row.
 */
class DurableRotationIntegrationTests {

	private final String schema = PigeonTestDatabase.uniqueName("pigeon_drot");

	private ConfigurableApplicationContext context;

	@AfterEach
	void stop() throws Exception {
		if (this.context != null) {
			this.context.close();
		}
		sql("DROP SCHEMA IF EXISTS " + this.schema + " CASCADE");
	}

	@Test
	void everyRowWrittenAcrossRotationsIsDelivered() throws Exception {
		sql("CREATE SCHEMA " + this.schema,
				"CREATE TABLE " + this.schema + ".items (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY)");
		String[] properties = { "pigeon.install.mode=auto",
				"pigeon.install.schema=" + this.schema, "pigeon.durable.poll-interval=100ms",
				"pigeon.durable.retention=2s", "pigeon.durable.maintenance-interval=200ms",
				"pigeon.schemas[0].name=" + this.schema, "pigeon.schemas[0].tables[0].name=items",
				"pigeon.schemas[0].tables[0].triggers[0].channel=drot",
				"pigeon.schemas[0].tables[0].triggers[0].delivery=durable",
				"pigeon.schemas[0].tables[0].triggers[0].events=insert" };
		this.context = ListenerTestApplication.run(Config.class, properties);
		Listener listener = this.context.getBean(Listener.class);
		DataSource dataSource = this.context.getBean(DataSource.class);
		// long enough for several rotations and truncations (a slot is truncated 2 s after it closes)
		long seconds = 8;
		AtomicBoolean stop = new AtomicBoolean();
		AtomicInteger written = new AtomicInteger();
		List<Thread> writers = new ArrayList<>();
		for (int w = 0; w < 4; w++) {
			Thread writer = new Thread(() -> {
				try (Connection connection = PigeonTestDatabase.get().connect();
						Statement statement = connection.createStatement()) {
					long interval = TimeUnit.MILLISECONDS.toNanos(2);
					long next = System.nanoTime();
					while (!stop.get()) {
						if (interval > 0) {
							long wait = next - System.nanoTime();
							if (wait > 0) {
								LockSupport.parkNanos(wait);
							}
							next += interval;
						}
						statement.execute("INSERT INTO " + this.schema + ".items DEFAULT VALUES");
						written.incrementAndGet();
					}
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			});
			writer.start();
			writers.add(writer);
		}
		// The writers run for a fixed time: this waits for time itself, not for a condition.
		Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
		stop.set(true);
		for (Thread writer : writers) {
			writer.join();
		}
		JdbcTemplate jdbc = new JdbcTemplate(dataSource);
		Set<Long> rows = new TreeSet<>(jdbc.queryForList("SELECT id FROM " + this.schema + ".items", Long.class));
		try {
			await().atMost(Duration.ofSeconds(20)).until(() -> listener.ids.keySet().containsAll(rows));
		}
		catch (ConditionTimeoutException ex) {
			// reported below, with where the missing events are
		}
		Set<Long> missing = new TreeSet<>(rows);
		missing.removeAll(listener.ids.keySet());
		long truncations = jdbc.queryForObject(
				"SELECT count(DISTINCT truncated_at) FROM " + this.schema + ".pigeon_log_truncation", Long.class);
		if (!missing.isEmpty()) {
			System.err.println("written " + rows.size() + ", delivered " + listener.ids.size() + ", missing " + missing);
			for (Map<String, Object> row : jdbc.queryForList("SELECT * FROM " + this.schema + ".pigeon_log_slot ORDER BY slot")) {
				System.err.println("slot " + row);
			}
			for (Map<String, Object> row : jdbc.queryForList("SELECT id, lane, snapshot::text, lower_id, batch_snapshot::text, batch_last_id FROM "
					+ this.schema + ".pigeon_subscription")) {
				System.err.println("subscription " + row);
			}
			for (Map<String, Object> row : jdbc.queryForList("SELECT * FROM " + this.schema + ".pigeon_log_truncation ORDER BY truncated_at")) {
				System.err.println("truncation " + row);
			}
			for (long id : missing) {
				List<Map<String, Object>> events = jdbc.queryForList("SELECT slot, id, txid::text, created_at FROM "
						+ this.schema + ".pigeon_log WHERE payload::jsonb #>> '{data,id}' = ?", String.valueOf(id));
				System.err.println("missing row " + id + ": " + events);
			}
		}
		assertThat(missing).isEmpty();
		assertThat(written.get()).isEqualTo(rows.size());
		// the log was rotated and emptied while the rows were written and read
		assertThat(truncations).isGreaterThanOrEqualTo(2);
	}

	private static void sql(String... statements) throws Exception {
		try (Connection connection = PigeonTestDatabase.get().connect();
				Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
	}

	@Configuration(proxyBeanMethods = false)
	@Import(ListenerTestApplication.class)
	static class Config {

		@Bean
		Listener listener() {
			return new Listener();
		}

	}

	record Item(long id) {

	}

	static class Listener {

		final Map<Long, Long> ids = new ConcurrentHashMap<>();

		@PigeonListener(channel = "drot", id = "drot")
		void on(PigeonEvent<Item> event) {
			this.ids.put(event.data().id(), event.id());
		}

	}

}
