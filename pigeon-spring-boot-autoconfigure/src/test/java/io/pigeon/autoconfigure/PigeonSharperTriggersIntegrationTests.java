package io.pigeon.autoconfigure;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.pigeon.PigeonAction;
import io.pigeon.PigeonEvent;
import io.pigeon.PigeonListener;
import io.pigeon.PigeonTemplate;
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
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * The trigger options end to end, in notify mode, from the properties to the listener methods:
 * conditions, changed-only with ignore-columns and the changed columns, context set with
 * {@link PigeonTemplate} through a real HikariCP pool of one connection (so every transaction
 * borrows the connection the one before returned), silencing, and a 10,000-row statement whose
 * rows arrive in several notifications and are delivered as one event.
 */
class PigeonSharperTriggersIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final String T = "pigeon.schemas[0].tables[0].triggers[";

	private static final String B = "pigeon.schemas[0].tables[1].triggers[0].";

	private final String schema = PigeonTestDatabase.uniqueName("pigeon_sharp");

	private ConfigurableApplicationContext context;

	private Recorder recorder;

	private JdbcTemplate jdbc;

	private TransactionTemplate transactions;

	private PigeonTemplate pigeon;

	@BeforeEach
	void start() throws Exception {
		sql("CREATE SCHEMA " + this.schema,
				"CREATE TABLE " + this.schema + ".orders (id int PRIMARY KEY, status text, price numeric(10, 2), "
						+ "attributes jsonb, updated_at timestamptz)",
				"CREATE TABLE " + this.schema + ".bulk (id int PRIMARY KEY, status text)");
		this.context = ListenerTestApplication.run(Config.class, "pigeon.install.mode=auto",
				"pigeon.install.schema=" + this.schema, "spring.datasource.hikari.maximum-pool-size=1",
				"pigeon.schemas[0].name=" + this.schema, "pigeon.schemas[0].tables[0].name=orders",
				T + "0].name=orders_insert", T + "0].channel=sharp_orders", T + "0].events=insert",
				T + "0].condition=NEW.status <> 'draft'", T + "0].context.user=app.user_id",
				T + "0].context.request=app.request_id", T + "1].name=orders_update", T + "1].channel=sharp_orders",
				T + "1].events=update", T + "1].changed-only=true", T + "1].ignore-columns=updated_at",
				T + "1].include-changed=true", "pigeon.schemas[0].tables[1].name=bulk", B + "channel=sharp_bulk",
				B + "level=statement", B + "events=update", B + "columns=id,status", B + "include-rows=true");
		this.recorder = this.context.getBean(Recorder.class);
		DataSource dataSource = this.context.getBean(DataSource.class);
		assertThat(dataSource).isInstanceOf(HikariDataSource.class);
		assertThat(((HikariDataSource) dataSource).getMaximumPoolSize()).isOne();
		this.jdbc = new JdbcTemplate(dataSource);
		this.transactions = new TransactionTemplate(this.context.getBean(PlatformTransactionManager.class));
		this.pigeon = this.context.getBean(PigeonTemplate.class);
	}

	@AfterEach
	void stop() throws Exception {
		if (this.context != null) {
			this.context.close();
		}
		sql("DROP SCHEMA " + this.schema + " CASCADE");
	}

	@Test
	void conditionContextAndChangedColumnsArriveAndNothingLeaksToTheNextBorrower() {
		this.transactions.executeWithoutResult((status) -> {
			this.pigeon.setContext("app.user_id", "42");
			insert(1, "new");
			insert(2, "draft");
		});
		// the same pooled connection, without context: null, not the previous transaction's value
		this.transactions.executeWithoutResult((status) -> insert(3, "new"));
		update("SET price = 1.0, attributes = '{\"a\": 1, \"b\": 2}' WHERE id = 1");
		// no-op, updated_at only, the same jsonb value and the same number: none fires
		update("SET status = status WHERE id = 1");
		update("SET updated_at = now() WHERE id = 1");
		update("SET attributes = '{\"b\": 2, \"a\": 1}', price = 1.00 WHERE id = 1");
		update("SET status = NULL, updated_at = now() WHERE id = 1");
		update("SET status = 'back' WHERE id = 1");
		await().atMost(TIMEOUT).until(() -> this.recorder.count("orders") >= 5);
		List<PigeonEvent<Map<String, Object>>> events = events("orders");
		assertThat(events).extracting((event) -> event.data().get("id") + " " + event.action())
			.containsExactly("1 INSERT", "3 INSERT", "1 UPDATE", "1 UPDATE", "1 UPDATE");
		assertThat(events.get(0).context()).containsEntry("user", "42").containsEntry("request", null);
		assertThat(events.get(1).context()).containsEntry("user", null).containsEntry("request", null);
		assertThat(events.get(0).changed()).isNull();
		assertThat(events.subList(2, 5)).extracting(PigeonEvent::changed)
			.containsExactly(List.of("price", "attributes"), List.of("status"), List.of("status"));
		assertThat(events.get(2).context()).isNull();
	}

	@Test
	void silencingIsTransactionLocal() {
		this.transactions.executeWithoutResult((status) -> {
			this.pigeon.silenced(() -> insert(1, "silenced"));
			insert(2, "after the callback");
		});
		this.transactions.executeWithoutResult((status) -> {
			this.jdbc.execute("SET LOCAL pigeon.silence = 'on'");
			insert(3, "silenced by SET LOCAL");
		});
		// the pool's one connection, borrowed again: nothing of the silence is left
		insert(4, "next borrower");
		await().atMost(TIMEOUT).until(() -> this.recorder.count("orders") >= 2);
		assertThat(events("orders")).extracting((event) -> event.data().get("id")).containsExactly(2, 4);
		assertThatIllegalStateException().isThrownBy(() -> this.pigeon.silenced(() -> insert(5, "x")))
			.withMessageContaining("needs an active transaction");
		assertThatIllegalStateException().isThrownBy(() -> this.pigeon.setContext("app.user_id", "1"));
	}

	@Test
	void aTenThousandRowUpdateArrivesAsOneEventWithEveryRow() {
		MeterRegistry meters = this.context.getBean(MeterRegistry.class);
		this.jdbc.update("INSERT INTO " + this.schema + ".bulk SELECT i, 'new' FROM generate_series(1, 10000) i");
		this.jdbc.update("UPDATE " + this.schema + ".bulk SET status = 'paid'");
		await().atMost(TIMEOUT).until(() -> this.recorder.count("bulk") >= 1 && this.recorder.count("rowLists") >= 1);
		PigeonEvent<Map<String, Object>> event = this.<PigeonEvent<Map<String, Object>>>typed("bulk").get(0);
		assertThat(event.action()).isEqualTo(PigeonAction.UPDATE);
		assertThat(event.count()).isEqualTo(10000L);
		assertThat(event.rows()).hasSize(10000).allSatisfy((row) -> assertThat(row).containsEntry("status", "paid"));
		assertThat(event.rows()).extracting((row) -> row.get("id")).doesNotHaveDuplicates();
		assertThat(event.payload()).doesNotContain("\"part\"").doesNotContain("\"parts\"");
		assertThat(this.recorder.get("rowLists")).containsExactly(10000);
		double received = meters.get("pigeon.notifications.received").tag("channel", "sharp_bulk").counter().count();
		assertThat(received).isBetween(5.0, 100.0);
	}

	@Test
	void anIncompleteSetOfPartsIsAnnouncedAndNeverDelivered() {
		MeterRegistry meters = this.context.getBean(MeterRegistry.class);
		String head = "{\"action\":\"UPDATE\",\"schema\":\"" + this.schema + "\",\"table\":\"bulk\",\"txid\":1,\"seq\":1,"
				+ "\"ts\":1,\"count\":3,\"part\":";
		this.transactions.executeWithoutResult((status) -> {
			// part 2 of 3 never arrives
			this.pigeon.notify("sharp_bulk", head + "1,\"parts\":3,\"rows\":[{\"id\":1}]}");
			this.pigeon.notify("sharp_bulk", head + "3,\"parts\":3,\"rows\":[{\"id\":3}]}");
		});
		this.jdbc.update("INSERT INTO " + this.schema + ".bulk VALUES (1, 'new')");
		this.jdbc.update("UPDATE " + this.schema + ".bulk SET status = 'paid'");
		await().atMost(TIMEOUT).until(() -> this.recorder.count("bulk") >= 1);
		assertThat(this.<PigeonEvent<Map<String, Object>>>typed("bulk")).singleElement()
			.satisfies((event) -> assertThat(event.rows()).singleElement().isEqualTo(Map.of("id", 1, "status", "paid")));
		assertThat(meters.get("pigeon.notifications.rejected")
			.tag("channel", "sharp_bulk")
			.tag("reason", "incomplete-rows")
			.counter()
			.count()).isEqualTo(2.0);
	}

	private void insert(int id, String status) {
		this.jdbc.update("INSERT INTO " + this.schema + ".orders (id, status) VALUES (?, ?)", id, status);
	}

	private void update(String set) {
		this.jdbc.update("UPDATE " + this.schema + ".orders " + set);
	}

	private List<PigeonEvent<Map<String, Object>>> events(String key) {
		return typed(key);
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
		SharpListeners sharpListeners(Recorder recorder) {
			return new SharpListeners(recorder);
		}

	}

	record Row(int id, String status) {

	}

	static class SharpListeners {

		private final Recorder recorder;

		SharpListeners(Recorder recorder) {
			this.recorder = recorder;
		}

		@PigeonListener(channel = "sharp_orders")
		void onOrder(PigeonEvent<Map<String, Object>> event) {
			this.recorder.record("orders", event);
		}

		@PigeonListener(channel = "sharp_bulk")
		void onBulk(PigeonEvent<Map<String, Object>> event) {
			this.recorder.record("bulk", event);
		}

		@PigeonListener(channel = "sharp_bulk")
		void onRows(List<Row> rows) {
			this.recorder.record("rowLists", rows.size());
		}

	}

}
