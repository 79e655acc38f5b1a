package io.pigeon.autoconfigure;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.pigeon.PigeonAction;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * From a write to a listener method through everything Pigeon installs: the installer creates the
 * triggers at start-up, real inserts, updates and deletes fire them, and typed events arrive,
 * an oversized row through the overflow table.
 */
class PigeonEndToEndIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private final String schema = PigeonTestDatabase.uniqueName("pigeon_e2e");

	@BeforeEach
	void createTable() throws Exception {
		sql("CREATE SCHEMA " + this.schema, "CREATE TABLE " + this.schema
				+ ".items (id int PRIMARY KEY, name text, price numeric(10, 2), created timestamptz, tags text[])");
	}

	@AfterEach
	void dropSchema() throws Exception {
		sql("DROP SCHEMA " + this.schema + " CASCADE");
	}

	@Test
	void changesReachListenersThroughInstalledTriggers() throws Exception {
		String table = "pigeon.schemas[0].tables[0].";
		try (ConfigurableApplicationContext context = ListenerTestApplication.run(Config.class,
				"pigeon.install.mode=auto", "pigeon.install.schema=" + this.schema,
				"pigeon.schemas[0].name=" + this.schema, table + "name=items",
				table + "triggers[0].channel=e2e_items", table + "triggers[0].include-old=true",
				table + "triggers[1].name=items_updates", table + "triggers[1].channel=e2e_statements",
				table + "triggers[1].level=statement", table + "triggers[1].events=update")) {
			Recorder recorder = context.getBean(Recorder.class);
			String name = "é".repeat(10_000);
			sql("INSERT INTO " + this.schema + ".items VALUES (1, 'apple', 1.50, '2025-11-26 10:00:00.123456+00', "
					+ "'{red,fruit}')", "UPDATE " + this.schema + ".items SET price = 2.25 WHERE id = 1",
					"INSERT INTO " + this.schema + ".items (id, name) VALUES (2, '" + name + "')",
					"DELETE FROM " + this.schema + ".items WHERE id = 1");
			await().atMost(TIMEOUT).until(() -> recorder.count("items") == 4);
			Instant created = Instant.parse("2025-11-26T10:00:00.123456Z");
			Item apple = new Item(1, "apple", new BigDecimal("1.50"), created, List.of("red", "fruit"));
			Item repriced = new Item(1, "apple", new BigDecimal("2.25"), created, List.of("red", "fruit"));
			List<PigeonEvent<Item>> events = recorder.get("items")
				.stream()
				.map(PigeonEndToEndIntegrationTests::item)
				.toList();
			assertThat(events).extracting(PigeonEvent::action)
				.containsExactly(PigeonAction.INSERT, PigeonAction.UPDATE, PigeonAction.INSERT, PigeonAction.DELETE);
			assertThat(events).allSatisfy((event) -> {
				assertThat(event.channel()).isEqualTo("e2e_items");
				assertThat(event.schema()).isEqualTo(this.schema);
				assertThat(event.table()).isEqualTo("items");
			});
			assertThat(events.get(0).data()).isEqualTo(apple);
			assertThat(events.get(0).old()).isNull();
			assertThat(events.get(1).data()).isEqualTo(repriced);
			assertThat(events.get(1).old()).isEqualTo(apple);
			assertThat(events.get(2).data().name()).isEqualTo(name);
			assertThat(events.get(2).payload()).doesNotContain("\"overflow\"");
			assertThat(events.get(3).data()).isEqualTo(repriced);
			// The statement-level trigger counts the rows each UPDATE statement touched.
			await().atMost(TIMEOUT).until(() -> recorder.count("statements") == 1);
			assertThat(recorder.get("statements")).containsExactly(1L);
			sql("UPDATE " + this.schema + ".items SET price = 3 WHERE id > 100");
			await().atMost(TIMEOUT).until(() -> recorder.count("statements") == 2);
			assertThat(recorder.get("statements")).containsExactly(1L, 0L);
		}
	}

	@SuppressWarnings("unchecked")
	private static PigeonEvent<Item> item(Object event) {
		return (PigeonEvent<Item>) event;
	}

	private static void sql(String... statements) throws Exception {
		try (Connection connection = PigeonTestDatabase.get().connect();
				Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
	}

	record Item(int id, String name, BigDecimal price, Instant created, List<String> tags) {
	}

	@Configuration(proxyBeanMethods = false)
	@Import(ListenerTestApplication.class)
	static class Config {

		@Bean
		ItemListener itemListener(Recorder recorder) {
			return new ItemListener(recorder);
		}

	}

	static class ItemListener {

		private final Recorder recorder;

		ItemListener(Recorder recorder) {
			this.recorder = recorder;
		}

		@PigeonListener(channel = "e2e_items")
		void onItem(PigeonEvent<Item> event) {
			this.recorder.record("items", event);
		}

		@PigeonListener(channel = "e2e_statements")
		void onStatement(PigeonEvent<Void> event) {
			this.recorder.record("statements", event.count());
		}

	}

}
