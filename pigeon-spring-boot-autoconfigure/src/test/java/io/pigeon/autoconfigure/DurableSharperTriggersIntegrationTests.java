package io.pigeon.autoconfigure;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.pigeon.PigeonAction;
import io.pigeon.PigeonEvent;
import io.pigeon.PigeonListener;
import io.pigeon.internal.durable.DurableLogSql;
import io.pigeon.test.PigeonTestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The trigger options end to end in durable mode, from the properties through the change log
 * to the listener methods: a 10,000-row statement with {@code include-rows} is one logged event,
 * delivered as one event with every row and to a {@code (List<T> rows)} listener; a set-based
 * trigger's condition, changed columns and context reach {@link PigeonEvent}.
 */
class DurableSharperTriggersIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final String T = "pigeon.schemas[0].tables[0].triggers[0].";

	private static final String B = "pigeon.schemas[0].tables[1].triggers[0].";

	private final String schema = PigeonTestDatabase.uniqueName("pigeon_dsharp");

	private ConfigurableApplicationContext context;

	private Recorder recorder;

	private JdbcTemplate jdbc;

	@BeforeEach
	void start() throws Exception {
		sql("CREATE SCHEMA " + this.schema,
				"CREATE TABLE " + this.schema + ".orders (id int PRIMARY KEY, status text, price numeric(10, 2))",
				"CREATE TABLE " + this.schema + ".bulk (id int PRIMARY KEY, status text)",
				// the listeners subscribe when the context starts, before the installer runs
				new DurableLogSql(this.schema).createObjects());
		this.context = ListenerTestApplication.run(Config.class, "pigeon.install.mode=auto",
				"pigeon.install.schema=" + this.schema, "pigeon.durable.poll-interval=100ms",
				"pigeon.durable.batch-size=10", "pigeon.schemas[0].name=" + this.schema,
				"pigeon.schemas[0].tables[0].name=orders", T + "channel=dsharp_orders", T + "delivery=durable",
				T + "events=insert,update", T + "condition=NEW.status <> 'draft'", T + "include-changed=true",
				T + "context.user=app.user_id", "pigeon.schemas[0].tables[1].name=bulk", B + "channel=dsharp_bulk",
				B + "delivery=durable", B + "level=statement", B + "events=update", B + "columns=id,status",
				B + "include-rows=true");
		this.recorder = this.context.getBean(Recorder.class);
		this.jdbc = new JdbcTemplate(this.context.getBean(DataSource.class));
	}

	@AfterEach
	void stop() throws Exception {
		if (this.context != null) {
			this.context.close();
		}
		sql("DROP SCHEMA " + this.schema + " CASCADE");
	}

	@Test
	void aTenThousandRowUpdateIsOneLoggedEventDeliveredWithEveryRow() {
		this.jdbc.update("INSERT INTO " + this.schema + ".bulk SELECT i, 'new' FROM generate_series(1, 10000) i");
		this.jdbc.update("UPDATE " + this.schema + ".bulk SET status = 'paid'");
		await().atMost(TIMEOUT).until(() -> this.recorder.count("bulk") >= 1 && this.recorder.count("rowLists") >= 1);
		assertThat(this.jdbc.queryForObject("SELECT count(*) FROM " + this.schema + ".pigeon_log WHERE channel = ?",
				Long.class, "dsharp_bulk")).isOne();
		PigeonEvent<Map<String, Object>> event = this.<PigeonEvent<Map<String, Object>>>typed("bulk").get(0);
		assertThat(event.action()).isEqualTo(PigeonAction.UPDATE);
		assertThat(event.id()).isNotNull();
		assertThat(event.count()).isEqualTo(10000L);
		assertThat(event.rows()).hasSize(10000).allSatisfy((row) -> assertThat(row).containsEntry("status", "paid"));
		assertThat(event.rows()).extracting((row) -> row.get("id")).doesNotHaveDuplicates();
		assertThat(event.payload()).doesNotContain("\"part\"").doesNotContain("\"parts\"");
		assertThat(this.recorder.get("rowLists")).containsExactly(10000);
	}

	@Test
	void conditionChangedColumnsAndContextOfASetBasedTriggerReachTheEvent() {
		TransactionTemplate transactions = new TransactionTemplate(this.context.getBean(PlatformTransactionManager.class));
		transactions.executeWithoutResult((status) -> {
			this.jdbc.queryForObject("SELECT set_config('app.user_id', '42', true)", String.class);
			this.jdbc.update("INSERT INTO " + this.schema + ".orders VALUES (1, 'new', 1), (2, 'draft', 2)");
		});
		this.jdbc.update("UPDATE " + this.schema + ".orders SET price = 1.00, status = 'paid'");
		await().atMost(TIMEOUT).until(() -> this.recorder.count("orders") >= 3);
		List<PigeonEvent<Map<String, Object>>> events = typed("orders");
		assertThat(events).extracting((event) -> event.data().get("id") + " " + event.action())
			.containsExactlyInAnyOrder("1 INSERT", "1 UPDATE", "2 UPDATE");
		assertThat(events.get(0).context()).containsEntry("user", "42");
		assertThat(events.get(0).changed()).isNull();
		assertThat(events.subList(1, 3)).allSatisfy((event) -> {
			assertThat(event.context()).containsEntry("user", null);
			assertThat(event.changed()).isEqualTo(
					event.data().get("id").equals(1) ? List.of("status") : List.of("status", "price"));
		});
	}

	@SuppressWarnings("unchecked")
	private <E> List<E> typed(String key) {
		return (List<E>) (List<?>) this.recorder.get(key);
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
		DurableSharpListeners durableSharpListeners(Recorder recorder) {
			return new DurableSharpListeners(recorder);
		}

	}

	record Row(int id, String status) {

	}

	static class DurableSharpListeners {

		private final Recorder recorder;

		DurableSharpListeners(Recorder recorder) {
			this.recorder = recorder;
		}

		@PigeonListener(channel = "dsharp_orders")
		void onOrder(PigeonEvent<Map<String, Object>> event) {
			this.recorder.record("orders", event);
		}

		@PigeonListener(channel = "dsharp_bulk")
		void onBulk(PigeonEvent<Map<String, Object>> event) {
			this.recorder.record("bulk", event);
		}

		@PigeonListener(channel = "dsharp_bulk")
		void onRows(List<Row> rows) {
			this.recorder.record("rowLists", rows.size());
		}

	}

}
