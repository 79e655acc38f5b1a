package io.pigeon.internal.sql;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import io.pigeon.PigeonAction;
import io.pigeon.internal.payload.PayloadContract;
import io.pigeon.internal.sql.NotificationCollector.Notification;

import static io.pigeon.PigeonAction.DELETE;
import static io.pigeon.PigeonAction.INSERT;
import static io.pigeon.PigeonAction.UPDATE;
import static io.pigeon.TriggerLevel.ROW;
import static io.pigeon.TriggerLevel.STATEMENT;
import static io.pigeon.TriggerTiming.AFTER;
import static io.pigeon.TriggerTiming.INSTEAD_OF;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The options that sharpen a trigger ({@link TriggerOptions}), installed with the generated SQL
 * on a real PostgreSQL: conditions, change filters, the changed columns, context, silencing
 * and statement payloads with rows, in notify mode.
 */
class SharperTriggerIntegrationTests {

	private TriggerTestSchema schema;

	private NotificationCollector notifications;

	@BeforeEach
	void createTable() throws SQLException {
		this.schema = new TriggerTestSchema("sharp_");
		this.schema.execute("CREATE TABLE " + orders() + " (id int PRIMARY KEY, status text, price numeric(10,2), "
				+ "amount numeric, attributes jsonb, note json, updated_at timestamptz)");
		this.schema.execute("CREATE VIEW " + this.schema.qualified("orders_view") + " AS SELECT id, status FROM "
				+ orders());
		this.notifications = new NotificationCollector("orders", "orders_ins", "orders_upd", "orders_view",
				"orders_rows");
	}

	@AfterEach
	void drop() throws SQLException {
		try (TriggerTestSchema schema = this.schema; NotificationCollector notifications = this.notifications) {
		}
	}

	@Test
	void conditionFiltersInsertsAndUpdates() throws SQLException {
		install("orders", List.of(INSERT, UPDATE), List.of(),
				options("NEW.status <> 'draft'", false, List.of(), false, Map.of()));
		this.schema.write(insert(1, "draft"), insert(2, "paid"));
		assertThat(received()).extracting((n) -> n.payload().get("data").get("id").asInt()).containsExactly(2);
		this.schema.write("UPDATE " + orders() + " SET status = 'draft' WHERE id = 2",
				"UPDATE " + orders() + " SET status = 'sent' WHERE id = 1");
		assertThat(received()).extracting((n) -> n.payload().get("data").get("status").asString())
			.containsExactly("sent");
	}

	@Test
	void changedOnlyDropsNoOpUpdatesAndKeepsRealOnes() throws SQLException {
		install("orders", List.of(UPDATE), List.of("id", "status", "price"),
				options(null, true, List.of(), false, Map.of()));
		this.schema.write(insert(1, null));
		this.schema.write("UPDATE " + orders() + " SET status = status, price = price");
		// a column outside the payload changes: not a change of the payload's columns
		this.schema.write("UPDATE " + orders() + " SET note = '{\"a\": 1}'");
		assertThat(received()).isEmpty();
		this.schema.write("UPDATE " + orders() + " SET status = 'paid'");
		this.schema.write("UPDATE " + orders() + " SET status = NULL");
		this.schema.write("UPDATE " + orders() + " SET status = NULL");
		this.schema.write("UPDATE " + orders() + " SET price = 1.00");
		this.schema.write("UPDATE " + orders() + " SET price = 1.00");
		assertThat(received()).extracting((n) -> n.payload().get("data").toString())
			.containsExactly("{\"id\":1,\"status\":\"paid\",\"price\":null}", "{\"id\":1,\"status\":null,\"price\":null}",
					"{\"id\":1,\"status\":null,\"price\":1.00}");
	}

	@Test
	void changedOnlyWatchesUpdateOfColumnsWhenGiven() throws SQLException {
		TriggerDefinition definition = new TriggerDefinition(this.schema.name(), "orders", "orders_upd",
				"orders_upd_fn", "orders_upd", List.of(), false, ROW, List.of(UPDATE), List.of("status", "price"),
				AFTER, options(null, true, List.of(), false, Map.of()));
		this.schema.install(definition);
		this.schema.write(insert(1, "new"));
		this.schema.write("UPDATE " + orders() + " SET status = 'new', price = NULL, amount = 5");
		this.schema.write("UPDATE " + orders() + " SET price = 2");
		assertThat(received()).extracting((n) -> n.payload().get("data").get("price").toString())
			.containsExactly("2.00");
	}

	@Test
	void ignoreColumnsDropUpdatesThatChangeOnlyThem() throws SQLException {
		install("orders", List.of(UPDATE), List.of(), options(null, false, List.of("updated_at"), false, Map.of()));
		this.schema.write(insert(1, "new"));
		this.schema.write("UPDATE " + orders() + " SET updated_at = now()");
		assertThat(received()).isEmpty();
		this.schema.write("UPDATE " + orders() + " SET updated_at = now() + interval '1 second', status = 'paid'");
		// without changed-only, an update that changes nothing still fires
		this.schema.write("UPDATE " + orders() + " SET status = status");
		assertThat(received()).hasSize(2);
	}

	@Test
	void changedOnlyWithIgnoreColumnsNeverCountsThem() throws SQLException {
		install("orders", List.of(UPDATE), List.of(), options(null, true, List.of("updated_at"), true, Map.of()));
		this.schema.write(insert(1, "new"));
		this.schema.write("UPDATE " + orders() + " SET updated_at = now(), status = status");
		assertThat(received()).isEmpty();
		this.schema.write("UPDATE " + orders() + " SET updated_at = now() + interval '1 second', amount = 3");
		assertThat(received()).extracting((n) -> n.payload().get("changed").toString())
			.containsExactly("[\"amount\"]");
	}

	@Test
	void changedListsExactlyTheDifferingColumnsInTableOrder() throws SQLException {
		install("orders", List.of(INSERT, UPDATE), List.of(), options(null, false, List.of(), true, Map.of()));
		this.schema.write("INSERT INTO " + orders() + " (id, status, price, amount, attributes, note) VALUES "
				+ "(1, 'new', 1.5, 1.0, '{\"a\": 1, \"b\": 2}', '{\"a\": 1}')");
		// jsonb compares by value (key order and spacing are not values), numeric by value too
		this.schema.write("UPDATE " + orders() + " SET attributes = '{\"b\": 2,   \"a\": 1}', amount = 1.00, "
				+ "price = 1.50");
		this.schema.write("UPDATE " + orders() + " SET status = 'paid', price = 2, note = '{\"a\": 2}', "
				+ "attributes = '{\"a\": 1, \"b\": 3}'");
		this.schema.write("UPDATE " + orders() + " SET status = NULL");
		List<Notification> received = received();
		assertThat(received.get(0).payload().has(PayloadContract.CHANGED)).isFalse();
		assertThat(received.subList(1, 4)).extracting((n) -> n.payload().get("changed").toString())
			.containsExactly("[]", "[\"status\",\"price\",\"attributes\",\"note\"]", "[\"status\"]");
	}

	@Test
	void contextCarriesCustomSettingsAndNullWhenUnset() throws SQLException {
		Map<String, String> context = new LinkedHashMap<>();
		context.put("user", "app.user_id");
		context.put("request", "app.request_id");
		install("orders", List.of(INSERT), List.of("id"), options(null, false, List.of(), false, context));
		this.schema.write("SET LOCAL app.user_id = '42'", insert(1, "new"));
		// the same connection: a setting set locally before reads as an empty string, sent as null
		this.schema.write(insert(2, "new"));
		List<Notification> received = received();
		assertThat(received.get(0).payload().get("context").toString())
			.isEqualTo("{\"user\":\"42\",\"request\":null}");
		assertThat(received.get(1).payload().get("context").toString())
			.isEqualTo("{\"user\":null,\"request\":null}");
		assertThat(received.get(0).text()).endsWith(",\"context\":{\"user\" : \"42\", \"request\" : null}}");
	}

	@Test
	void silencingIsTransactionLocalAndCoversInsteadOfTriggers() throws SQLException {
		install("orders", List.of(INSERT, UPDATE), List.of(), TriggerOptions.NONE);
		this.schema.install(new TriggerDefinition(this.schema.name(), "orders_view", "orders_view",
				"orders_view_fn", "orders_view", List.of(), false, ROW, List.of(INSERT), List.of(), INSTEAD_OF));
		this.schema.write("SET LOCAL pigeon.silence = 'on'", insert(1, "new"),
				"INSERT INTO " + this.schema.qualified("orders_view") + " VALUES (5, 'v')");
		this.schema.write(insert(2, "new"));
		List<Notification> received = received();
		assertThat(received).extracting((n) -> n.payload().get("data").get("id").asInt()).containsExactly(2);
		assertThat(received.get(0).payload().get("seq").asInt()).isEqualTo(1);
		this.schema.write("INSERT INTO " + this.schema.qualified("orders_view") + " VALUES (6, 'v')");
		assertThat(received()).extracting(Notification::channel).containsExactly("orders_view");
	}

	@Test
	void statementRowsAreSplitIntoPartsUnderTheLimit() throws SQLException {
		this.schema.write("INSERT INTO " + orders() + " (id, status) SELECT i, 'new' FROM generate_series(1, 10000) i");
		this.schema.install(new TriggerDefinition(this.schema.name(), "orders", "orders_rows", "orders_rows_fn",
				"orders_rows", List.of("id", "status"), false, STATEMENT, List.of(UPDATE), List.of(), AFTER,
				new TriggerOptions(null, false, List.of(), false, Map.of(), true)));
		this.schema.write("UPDATE " + orders() + " SET status = 'paid'");
		List<Notification> received = received();
		assertThat(received).hasSizeBetween(10, 80);
		List<Integer> ids = new ArrayList<>();
		for (int i = 0; i < received.size(); i++) {
			JsonNode payload = received.get(i).payload();
			assertThat(received.get(i).text().getBytes(StandardCharsets.UTF_8).length)
				.isLessThan(PayloadContract.NOTIFY_PAYLOAD_LIMIT);
			assertThat(payload.get("part").asInt()).isEqualTo(i + 1);
			assertThat(payload.get("parts").asInt()).isEqualTo(received.size());
			assertThat(payload.get("count").asInt()).isEqualTo(10000);
			assertThat(payload.get("seq").asInt()).isEqualTo(1);
			payload.get("rows").forEach((row) -> ids.add(row.get("id").asInt()));
		}
		assertThat(ids).hasSize(10000).doesNotHaveDuplicates();
	}

	@Test
	void statementRowsOfAnEmptyStatementAreOnePartWithoutRows() throws SQLException {
		this.schema.install(new TriggerDefinition(this.schema.name(), "orders", "orders_rows", "orders_rows_fn",
				"orders_rows", List.of(), false, STATEMENT, List.of(DELETE), List.of(), AFTER,
				new TriggerOptions(null, false, List.of(), false, Map.of(), true)));
		this.schema.write("DELETE FROM " + orders());
		this.schema.write(insert(1, "new"), "DELETE FROM " + orders());
		List<Notification> received = received();
		assertThat(received.get(0).text()).contains("\"count\":0,\"part\":1,\"parts\":1,\"rows\":[]}");
		assertThat(received.get(1).payload().get("rows").get(0).get("status").asString()).isEqualTo("new");
	}

	@Test
	void aStatementRowTooLargeForANotificationOverflows() throws SQLException {
		this.schema.install(new TriggerDefinition(this.schema.name(), "orders", "orders_rows", "orders_rows_fn",
				"orders_rows", List.of("id", "status"), false, STATEMENT, List.of(INSERT), List.of(), AFTER,
				new TriggerOptions(null, false, List.of(), false, Map.of(), true)));
		this.schema.write("INSERT INTO " + orders() + " (id, status) VALUES (1, 'small'), (2, repeat('x', 9000)), "
				+ "(3, 'small')");
		List<Notification> received = received();
		assertThat(received).hasSize(3);
		assertThat(received.get(1).payload().has(PayloadContract.OVERFLOW)).isTrue();
		assertThat(received.get(1).payload().get("part").asInt()).isEqualTo(2);
		String stored = this.schema.queryStrings("SELECT payload FROM " + this.schema.qualified("pigeon_overflow"))
			.get(0);
		assertThat(NotificationCollector.JSON.readTree(stored).get("rows").get(0).get("id").asInt()).isEqualTo(2);
	}

	private void install(String channel, List<PigeonAction> events, List<String> columns, TriggerOptions options)
			throws SQLException {
		this.schema.install(new TriggerDefinition(this.schema.name(), "orders", channel, channel + "_fn", channel,
				columns, false, ROW, events, List.of(), AFTER, options));
	}

	private static TriggerOptions options(String condition, boolean changedOnly, List<String> ignore,
			boolean includeChanged, Map<String, String> context) {
		return new TriggerOptions(condition, changedOnly, ignore, includeChanged, context, false);
	}

	private String insert(int id, String status) {
		return "INSERT INTO " + orders() + " (id, status) VALUES (" + id + ", "
				+ ((status != null) ? SqlIdentifiers.literal(status) : "NULL") + ")";
	}

	private String orders() {
		return this.schema.qualified("orders");
	}

	private List<Notification> received() throws SQLException {
		return this.notifications.received();
	}

}
