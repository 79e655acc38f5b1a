package io.pigeon.autoconfigure;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.pigeon.PigeonEvent;
import io.pigeon.PigeonListener;
import io.pigeon.test.PigeonTestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A listener that writes to the table it watches would trigger itself for ever; README
 * "Errors" documents the patterns that avoid it. Here the trigger fires only on
 * {@code update-of: [price]} and the listener writes another column, so each outside change is
 * delivered exactly once. Events of one channel arrive in order, so a second outside change
 * that arrives as the second event proves no write of the listener's came in between.
 */
class PigeonListenerWriteBackIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private final String schema = PigeonTestDatabase.uniqueName("pigeon_wb");

	@BeforeEach
	void createTable() throws Exception {
		sql("CREATE SCHEMA " + this.schema, "CREATE TABLE " + this.schema
				+ ".items (id int PRIMARY KEY, price numeric(10, 2), seen int NOT NULL DEFAULT 0)",
				"INSERT INTO " + this.schema + ".items (id, price) VALUES (1, 1.00)");
	}

	@AfterEach
	void dropSchema() throws Exception {
		sql("DROP SCHEMA " + this.schema + " CASCADE");
	}

	@Test
	void listenerWritingAColumnOutsideUpdateOfDoesNotTriggerItself() throws Exception {
		String trigger = "pigeon.schemas[0].tables[0].triggers[0].";
		try (ConfigurableApplicationContext context = ListenerTestApplication.run(Config.class,
				"pigeon.install.mode=auto", "pigeon.install.schema=" + this.schema,
				"pigeon.schemas[0].name=" + this.schema, "pigeon.schemas[0].tables[0].name=items",
				trigger + "channel=wb_items", trigger + "events=update", trigger + "update-of=price",
				"test.write-back.table=" + this.schema + ".items")) {
			Recorder recorder = context.getBean(Recorder.class);
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
			sql("UPDATE " + this.schema + ".items SET price = 2.00 WHERE id = 1");
			await().atMost(TIMEOUT)
				.until(() -> jdbc.queryForObject("SELECT seen FROM " + this.schema + ".items WHERE id = 1",
						Integer.class), (seen) -> seen == 1);
			sql("UPDATE " + this.schema + ".items SET price = 3.00 WHERE id = 1");
			await().atMost(TIMEOUT).until(() -> recorder.count("prices") >= 2);
			List<Object> prices = recorder.get("prices");
			assertThat(prices).containsExactly(2.0, 3.0);
			await().atMost(TIMEOUT)
				.until(() -> jdbc.queryForObject("SELECT seen FROM " + this.schema + ".items WHERE id = 1",
						Integer.class), (seen) -> seen == 2);
		}
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
		WriteBackListener writeBackListener(Recorder recorder, DataSource dataSource,
				Environment environment) {
			return new WriteBackListener(recorder, new JdbcTemplate(dataSource),
					environment.getRequiredProperty("test.write-back.table"));
		}

	}

	static class WriteBackListener {

		private final Recorder recorder;

		private final JdbcTemplate jdbc;

		private final String table;

		WriteBackListener(Recorder recorder, JdbcTemplate jdbc, String table) {
			this.recorder = recorder;
			this.jdbc = jdbc;
			this.table = table;
		}

		@PigeonListener(channel = "wb_items")
		void onPrice(PigeonEvent<Map<String, Object>> event) {
			Map<String, Object> data = event.data();
			this.recorder.record("prices", ((Number) data.get("price")).doubleValue());
			// Writes the watched table, but not a column of update-of: the trigger stays silent.
			this.jdbc.update("UPDATE " + this.table + " SET seen = seen + 1 WHERE id = ?", data.get("id"));
		}

	}

}
