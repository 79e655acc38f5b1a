package io.pigeon.internal.sql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import io.pigeon.PigeonAction;
import io.pigeon.TriggerDelivery;
import io.pigeon.TriggerLevel;
import io.pigeon.TriggerTiming;
import io.pigeon.internal.durable.DurableLogSql;
import io.pigeon.internal.sql.TriggerTestSchema.Write;
import io.pigeon.test.PigeonTestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static io.pigeon.PigeonAction.DELETE;
import static io.pigeon.PigeonAction.INSERT;
import static io.pigeon.PigeonAction.TRUNCATE;
import static io.pigeon.PigeonAction.UPDATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Durable trigger functions against PostgreSQL: what they append to Pigeon's change log, in
 * the writer's transaction, with one function call per statement for the set-based form.
 */
class DurableTriggerIntegrationTests {

	private static final List<String> HEAD = List.of("action", "schema", "table", "txid", "seq", "ts", "id");

	private TriggerTestSchema schema;

	private DurableLogSql log;

	@BeforeEach
	void createSchema() throws SQLException {
		this.schema = new TriggerTestSchema("pigeon_durable");
		this.log = new DurableLogSql(this.schema.name());
		this.schema.execute(this.log.createObjects());
		this.schema.execute("CREATE TABLE " + this.schema.qualified("items")
				+ " (id int PRIMARY KEY, name text, v int)");
	}

	@AfterEach
	void dropSchema() throws SQLException {
		this.schema.close();
	}

	@Test
	void committedChangesAreLoggedInTheWritersTransactionWithTheNotifyPayloadAndTheirId() throws SQLException {
		this.schema.install(durable("items", List.of("id", "name"), true, TriggerLevel.ROW,
				List.of(INSERT, UPDATE, DELETE), List.of()));
		String items = this.schema.qualified("items");
		Write write = this.schema.write("INSERT INTO " + items + " VALUES (1, 'a', 10), (2, 'b', 20)",
				"UPDATE " + items + " SET name = 'a2' WHERE id = 1", "DELETE FROM " + items + " WHERE id = 2");
		List<LoggedEvent> events = events();
		assertThat(events).hasSize(4);
		assertThat(events).extracting(LoggedEvent::channel).containsOnly("items");
		assertThat(events).extracting(LoggedEvent::txid).containsOnly(write.txid());
		assertThat(events).extracting((event) -> event.payload().get("seq").longValue()).containsExactly(1L, 2L, 3L, 4L);
		for (LoggedEvent event : events) {
			assertThat(event.payload().get("id").longValue()).isEqualTo(event.id());
			assertThat(event.payload().get("schema").stringValue()).isEqualTo(this.schema.name());
			assertThat(event.payload().get("table").stringValue()).isEqualTo("items");
			assertThat(event.payload().get("txid").longValue()).isEqualTo(write.txid());
			assertThat(event.payload().get("ts").longValue()).isBetween(write.fromMicros(), write.toMicros());
			assertThat(event.createdMicros()).isBetween(write.fromMicros(), write.toMicros());
		}
		assertThat(fieldNames(events.get(0).payload())).isEqualTo(concat(HEAD, "data"));
		assertThat(fieldNames(events.get(2).payload())).isEqualTo(concat(HEAD, "data", "old"));
		assertThat(rest(events)).containsExactly(
				"INSERT {\"data\":{\"id\":1,\"name\":\"a\"}}", "INSERT {\"data\":{\"id\":2,\"name\":\"b\"}}",
				"UPDATE {\"data\":{\"id\":1,\"name\":\"a2\"},\"old\":{\"id\":1,\"name\":\"a\"}}",
				"DELETE {\"data\":{\"id\":2,\"name\":\"b\"}}");
	}

	@Test
	void updateWithoutIncludeOldLogsEveryColumnOfTheNewRow() throws SQLException {
		this.schema.install(durable("items", List.of(), false, TriggerLevel.ROW, List.of(UPDATE), List.of()));
		String items = this.schema.qualified("items");
		this.schema.execute("INSERT INTO " + items + " VALUES (1, 'a', 10)");
		this.schema.write("UPDATE " + items + " SET v = 11");
		assertThat(rest(events())).containsExactly("UPDATE {\"data\":{\"id\":1,\"name\":\"a\",\"v\":11}}");
	}

	@Test
	void columnsNamedLikeTheFunctionsVariablesOrAliasesAreTakenLiterally() throws SQLException {
		String odd = this.schema.qualified("Odd \"T\"");
		this.schema.execute("CREATE TABLE " + odd + " (r int, seq int, e int, pigeon_tx int, pigeon_n int, written int,"
				+ " \"TG_OP\" text)");
		TriggerDefinition all = new TriggerDefinition(this.schema.name(), "Odd \"T\"", "odd", "odd_fn", "Odd", List.of(),
				true, TriggerLevel.ROW, List.of(INSERT, UPDATE), List.of(), TriggerTiming.AFTER, TriggerDelivery.DURABLE);
		this.schema.install(all);
		this.schema.write("INSERT INTO " + odd + " VALUES (1, 2, 3, 4, 5, 6, 'x')", "UPDATE " + odd + " SET r = 10");
		assertThat(rest(events())).containsExactly(
				"INSERT {\"data\":{\"r\":1,\"seq\":2,\"e\":3,\"pigeon_tx\":4,\"pigeon_n\":5,\"written\":6,\"TG_OP\":\"x\"}}",
				"UPDATE {\"data\":{\"r\":10,\"seq\":2,\"e\":3,\"pigeon_tx\":4,\"pigeon_n\":5,\"written\":6,\"TG_OP\":\"x\"},"
						+ "\"old\":{\"r\":1,\"seq\":2,\"e\":3,\"pigeon_tx\":4,\"pigeon_n\":5,\"written\":6,\"TG_OP\":\"x\"}}");
		assertThat(events()).extracting(LoggedEvent::channel).containsOnly("Odd");
	}

	@Test
	void chosenColumnsNamedLikeTheFunctionsVariablesAreTakenLiterally() throws SQLException {
		String odd = this.schema.qualified("odd");
		this.schema.execute("CREATE TABLE " + odd + " (r int, seq int, pigeon_n int)");
		this.schema.install(durable("odd", List.of("seq", "r", "pigeon_n"), true, TriggerLevel.ROW,
				List.of(INSERT, UPDATE, DELETE), List.of()));
		this.schema.write("INSERT INTO " + odd + " VALUES (1, 2, 3)", "UPDATE " + odd + " SET seq = 20",
				"DELETE FROM " + odd);
		assertThat(rest(events())).containsExactly("INSERT {\"data\":{\"seq\":2,\"r\":1,\"pigeon_n\":3}}",
				"UPDATE {\"data\":{\"seq\":20,\"r\":1,\"pigeon_n\":3},\"old\":{\"seq\":2,\"r\":1,\"pigeon_n\":3}}",
				"DELETE {\"data\":{\"seq\":20,\"r\":1,\"pigeon_n\":3}}");
	}

	@Test
	void rolledBackWriteLogsNothing() throws SQLException {
		this.schema.install(durable("items", List.of(), false, TriggerLevel.ROW, List.of(INSERT, DELETE), List.of()));
		Connection connection = this.schema.connection();
		connection.setAutoCommit(false);
		try (Statement statement = connection.createStatement()) {
			statement.executeUpdate("INSERT INTO " + this.schema.qualified("items") + " VALUES (1, 'a', 1)");
			connection.rollback();
		}
		finally {
			connection.setAutoCommit(true);
		}
		assertThat(events()).isEmpty();
	}

	@Test
	void rowOf8000BytesOrMoreIsLoggedWhole() throws SQLException {
		this.schema.install(durable("items", List.of(), false, TriggerLevel.ROW, List.of(INSERT), List.of()));
		String large = "x".repeat(20_000);
		this.schema.write("INSERT INTO " + this.schema.qualified("items") + " VALUES (1, '" + large + "', 1)");
		List<LoggedEvent> events = events();
		assertThat(events).hasSize(1);
		assertThat(events.get(0).payload().get("data").get("name").stringValue()).isEqualTo(large);
		assertThat(events.get(0).payload().has("overflow")).isFalse();
	}

	@Test
	void multiRowUpdatePairsEachOldRowWithItsNewRow() throws SQLException {
		this.schema.install(durable("items", List.of("id", "v"), true, TriggerLevel.ROW, List.of(INSERT, UPDATE),
				List.of()));
		String items = this.schema.qualified("items");
		this.schema.execute("INSERT INTO " + items + " SELECT i, 'n', (i * 7919) % 1000 FROM generate_series(1, 2000) i");
		// rows updated in an order of their own: every second row was updated once more before
		this.schema.execute("UPDATE " + items + " SET v = v + 1 WHERE id % 2 = 0");
		long last = lastId();
		this.schema.write("UPDATE " + items + " SET v = v * 2");
		List<LoggedEvent> updates = events().stream().filter((event) -> event.id() > last).toList();
		assertThat(updates).hasSize(2000);
		for (LoggedEvent event : updates) {
			JsonNode data = event.payload().get("data");
			JsonNode old = event.payload().get("old");
			assertThat(data.get("id").intValue()).isEqualTo(old.get("id").intValue());
			assertThat(data.get("v").intValue()).isEqualTo(old.get("v").intValue() * 2);
		}
		assertThat(updates).extracting((event) -> event.payload().get("data").get("id").intValue())
			.doesNotHaveDuplicates();
	}

	@Test
	void bulkInsertAndUpdateLogEveryRowWithOneFunctionCallPerStatement() throws SQLException {
		TriggerDefinition definition = durable("items", List.of(), true, TriggerLevel.ROW,
				List.of(INSERT, UPDATE, DELETE), List.of());
		this.schema.install(definition);
		String items = this.schema.qualified("items");
		Connection connection = this.schema.connection();
		connection.setAutoCommit(false);
		try (Statement statement = connection.createStatement()) {
			statement.execute("SET LOCAL track_functions = 'all'");
			assertThat(statement.executeUpdate(
					"INSERT INTO " + items + " SELECT i, 'item ' || i, i FROM generate_series(1, 100000) i"))
				.isEqualTo(100_000);
			assertThat(functionCalls(definition)).isEqualTo(1);
			assertThat(statement.executeUpdate("UPDATE " + items + " SET v = v + 1")).isEqualTo(100_000);
			assertThat(functionCalls(definition)).isEqualTo(2);
			connection.commit();
		}
		finally {
			connection.setAutoCommit(true);
		}
		assertThat(this.schema.queryLong("SELECT count(*) FROM " + this.log.qualified(DurableLogSql.LOG)
				+ " WHERE payload LIKE '{\"action\":\"INSERT\"%'")).isEqualTo(100_000);
		assertThat(this.schema.queryLong("SELECT count(*) FROM " + this.log.qualified(DurableLogSql.LOG)
				+ " WHERE payload LIKE '{\"action\":\"UPDATE\"%'")).isEqualTo(100_000);
		// seq runs on across both statements of the transaction, and ids are never reused
		assertThat(this.schema.queryLong("SELECT count(DISTINCT (payload::json ->> 'seq')) FROM "
				+ this.log.qualified(DurableLogSql.LOG))).isEqualTo(200_000);
		assertThat(this.schema.queryLong("SELECT max((payload::json ->> 'seq')::bigint) FROM "
				+ this.log.qualified(DurableLogSql.LOG))).isEqualTo(200_000);
		assertThat(this.schema.queryLong("SELECT count(DISTINCT id) FROM " + this.log.qualified(DurableLogSql.LOG)))
			.isEqualTo(200_000);
	}

	@Test
	void statementThatTouchesNoRowLogsNothing() throws SQLException {
		this.schema.install(durable("items", List.of(), false, TriggerLevel.ROW, List.of(UPDATE, DELETE), List.of()));
		this.schema.write("UPDATE " + this.schema.qualified("items") + " SET v = 1",
				"DELETE FROM " + this.schema.qualified("items"));
		assertThat(events()).isEmpty();
	}

	@Test
	void updateOfLogsOneEventPerRowWithARowLevelFunction() throws SQLException {
		TriggerDefinition definition = durable("items", List.of("id", "name"), true, TriggerLevel.ROW,
				List.of(UPDATE), List.of("name"));
		this.schema.install(definition);
		String items = this.schema.qualified("items");
		this.schema.execute("INSERT INTO " + items + " VALUES (1, 'a', 1), (2, 'b', 2)");
		this.schema.write("UPDATE " + items + " SET v = 5", "UPDATE " + items + " SET name = name || '!'");
		assertThat(rest(events())).containsExactly(
				"UPDATE {\"data\":{\"id\":1,\"name\":\"a!\"},\"old\":{\"id\":1,\"name\":\"a\"}}",
				"UPDATE {\"data\":{\"id\":2,\"name\":\"b!\"},\"old\":{\"id\":2,\"name\":\"b\"}}");
		assertThat(events()).extracting((event) -> event.payload().get("seq").longValue()).containsExactly(1L, 2L);
	}

	@Test
	void partitionedTableKeepsTheRowLevelFormAndLogsWritesToAPartition() throws SQLException {
		this.schema.execute("CREATE TABLE " + this.schema.qualified("parts") + " (id int, name text) PARTITION BY RANGE (id)");
		this.schema.execute("CREATE TABLE " + this.schema.qualified("parts_1") + " PARTITION OF "
				+ this.schema.qualified("parts") + " FOR VALUES FROM (0) TO (100)");
		TriggerDefinition definition = durable("parts", List.of(), false, TriggerLevel.ROW, List.of(INSERT, UPDATE),
				List.of());
		TriggerSqlGenerator generator = new TriggerSqlGenerator(this.schema.name());
		this.schema.execute(generator.createFunction(definition, TriggerTarget.Kind.PARTITIONED_TABLE));
		this.schema.execute(generator.createTrigger(definition, TriggerTarget.Kind.PARTITIONED_TABLE));
		this.schema.write("INSERT INTO " + this.schema.qualified("parts_1") + " VALUES (1, 'direct')",
				"INSERT INTO " + this.schema.qualified("parts") + " VALUES (2, 'routed')");
		assertThat(rest(events())).containsExactly("INSERT {\"data\":{\"id\":1,\"name\":\"direct\"}}",
				"INSERT {\"data\":{\"id\":2,\"name\":\"routed\"}}");
	}

	@Test
	void statementLevelTriggerLogsOneEventPerStatementWithItsCount() throws SQLException {
		this.schema.install(durable("items", List.of(), false, TriggerLevel.STATEMENT, List.of(INSERT), List.of()));
		this.schema.write("INSERT INTO " + this.schema.qualified("items") + " SELECT i, 'n', i FROM generate_series(1, 5) i");
		List<LoggedEvent> events = events();
		assertThat(events).hasSize(1);
		assertThat(fieldNames(events.get(0).payload())).isEqualTo(concat(HEAD, "count"));
		assertThat(rest(events)).containsExactly("INSERT {\"count\":5}");
	}

	@Test
	void truncateIsLogged() throws SQLException {
		this.schema.install(durable("items", List.of(), false, TriggerLevel.STATEMENT, List.of(TRUNCATE, DELETE),
				List.of()));
		this.schema.execute("INSERT INTO " + this.schema.qualified("items") + " VALUES (1, 'a', 1)");
		this.schema.write("TRUNCATE " + this.schema.qualified("items"));
		assertThat(rest(events())).containsExactly("TRUNCATE {}");
	}

	@Test
	void wakeUpNotifiesTheChannelOncePerTransaction() throws SQLException {
		this.schema.install(durable("items", List.of(), false, TriggerLevel.ROW, List.of(INSERT, UPDATE), List.of()));
		try (Connection listener = PigeonTestDatabase.get().connect()) {
			listener.createStatement().execute("LISTEN " + DurableLogSql.WAKE_UP_CHANNEL);
			String items = this.schema.qualified("items");
			this.schema.write("INSERT INTO " + items + " VALUES (1, 'a', 1)", "INSERT INTO " + items + " VALUES (2, 'b', 2)",
					"UPDATE " + items + " SET v = 3");
			assertThat(notifications(listener)).containsExactly(DurableLogSql.WAKE_UP_CHANNEL + ":items");
		}
	}

	@Test
	void pollWakeUpSendsNoNotification() throws SQLException {
		TriggerDefinition definition = durable("items", List.of(), false, TriggerLevel.ROW, List.of(INSERT), List.of());
		TriggerSqlGenerator generator = new TriggerSqlGenerator(this.schema.name(), false);
		assertThat(generator.createFunction(definition)).doesNotContain("pg_notify")
			.isNotEqualTo(new TriggerSqlGenerator(this.schema.name(), true).createFunction(definition));
		this.schema.execute(generator.createFunction(definition));
		this.schema.execute(generator.createTrigger(definition));
		try (Connection listener = PigeonTestDatabase.get().connect()) {
			listener.createStatement().execute("LISTEN " + DurableLogSql.WAKE_UP_CHANNEL);
			this.schema.write("INSERT INTO " + this.schema.qualified("items") + " VALUES (1, 'a', 1)");
			assertThat(notifications(listener)).isEmpty();
		}
		assertThat(events()).hasSize(1);
	}

	@Test
	void writingRoleNeedsNoPrivilegeOnPigeonsSchemaLogOrFunctions() throws SQLException {
		// Pigeon's log in a schema of its own, on which the writer is granted nothing
		String pigeon = PigeonTestDatabase.uniqueName("pigeon_own");
		String role = PigeonTestDatabase.uniqueName("pigeon_writer");
		String items = this.schema.qualified("items");
		DurableLogSql ownLog = new DurableLogSql(pigeon);
		this.schema.execute("CREATE SCHEMA " + pigeon);
		try {
			this.schema.execute(ownLog.createObjects());
			TriggerSqlGenerator generator = new TriggerSqlGenerator(pigeon);
			TriggerDefinition definition = durable("items", List.of(), false, TriggerLevel.ROW,
					List.of(INSERT, UPDATE, DELETE), List.of());
			this.schema.execute(generator.createFunction(definition));
			this.schema.execute(generator.createTrigger(definition));
			this.schema.execute("CREATE TABLE " + this.schema.qualified("counted") + " (id serial PRIMARY KEY, v int)");
			TriggerDefinition counted = new TriggerDefinition(this.schema.name(), "counted", "counted_log",
					"counted_log_fn", "counted", List.of(), false, TriggerLevel.ROW, List.of(INSERT), List.of(),
					TriggerTiming.AFTER, TriggerDelivery.DURABLE);
			this.schema.execute(generator.createFunction(counted));
			this.schema.execute(generator.createTrigger(counted));
			// the role is created after installation: nothing Pigeon did can have granted it anything
			this.schema.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'pigeon'");
			this.schema.execute("GRANT USAGE ON SCHEMA " + SqlIdentifiers.quote(this.schema.name()) + " TO " + role);
			this.schema.execute("GRANT INSERT, UPDATE, DELETE, SELECT ON " + items + ", "
					+ this.schema.qualified("counted") + " TO " + role);
			this.schema.execute("GRANT USAGE ON SEQUENCE " + this.schema.qualified("counted_id_seq") + " TO " + role);
			try (Connection writer = PigeonTestDatabase.get().connect(role, "pigeon"); Statement statement = writer.createStatement()) {
				statement.executeUpdate("INSERT INTO " + items + " VALUES (1, 'a', 1)");
				statement.executeUpdate("UPDATE " + items + " SET v = 2");
				statement.executeUpdate("DELETE FROM " + items);
				statement.executeUpdate("INSERT INTO " + this.schema.qualified("counted") + " (v) VALUES (1)");
				for (String object : List.of(DurableLogSql.LOG, DurableLogSql.SUBSCRIPTION, DurableLogSql.DEAD_LETTER)) {
					assertThatExceptionOfType(SQLException.class)
						.isThrownBy(() -> statement.executeQuery("SELECT * FROM " + ownLog.qualified(object)))
						.withMessageContaining("permission denied");
				}
				// EXECUTE is revoked from PUBLIC, which PostgreSQL checks when a trigger is
				// created, not when it fires: the writer cannot attach the function elsewhere
				statement.execute("CREATE TEMPORARY TABLE mine (id int, name text, v int)");
				assertThatExceptionOfType(SQLException.class)
					.isThrownBy(() -> statement.execute("CREATE TRIGGER forged AFTER INSERT ON mine FOR EACH ROW "
							+ "EXECUTE FUNCTION " + this.schema.qualified("items_log_fn") + "()"))
					.withMessageContaining("permission denied for function");
			}
			assertThat(this.schema.queryStrings("SELECT payload::json ->> 'action' FROM " + ownLog.qualified(DurableLogSql.LOG)
					+ " ORDER BY id")).containsExactly("INSERT", "UPDATE", "DELETE", "INSERT");
		}
		finally {
			this.schema.execute("DROP SCHEMA " + pigeon + " CASCADE");
			this.schema.execute("DROP OWNED BY " + role);
			this.schema.execute("DROP ROLE IF EXISTS " + role);
		}
	}

	private TriggerDefinition durable(String table, List<String> columns, boolean includeOld, TriggerLevel level,
			List<PigeonAction> events, List<String> updateOf) {
		return new TriggerDefinition(this.schema.name(), table, table + "_log", table + "_log_fn", table, columns,
				includeOld, level, events, updateOf, TriggerTiming.AFTER, TriggerDelivery.DURABLE);
	}

	private long functionCalls(TriggerDefinition definition) throws SQLException {
		return this.schema.queryLong("SELECT pg_stat_get_xact_function_calls(" + SqlIdentifiers.literal(
				SqlIdentifiers.qualified(definition.schema(), definition.function()) + "()") + "::regprocedure)");
	}

	private long lastId() throws SQLException {
		return this.schema.queryLong("SELECT coalesce(max(id), 0) FROM " + this.log.qualified(DurableLogSql.LOG));
	}

	private List<LoggedEvent> events() throws SQLException {
		List<LoggedEvent> events = new ArrayList<>();
		try (Statement statement = this.schema.connection().createStatement();
				ResultSet result = statement.executeQuery("SELECT id, txid::text, channel, payload,"
						+ " (extract(epoch FROM created_at) * 1000000)::bigint FROM "
						+ this.log.qualified(DurableLogSql.LOG) + " ORDER BY id")) {
			while (result.next()) {
				events.add(new LoggedEvent(result.getLong(1), Long.parseLong(result.getString(2)), result.getString(3),
						(ObjectNode) NotificationCollector.JSON.readTree(result.getString(4)), result.getLong(5)));
			}
		}
		return events;
	}

	/**
	 * Each event's action and its keys after the head, e.g. {@code INSERT {"data":{...}}}.
	 */
	private static List<String> rest(List<LoggedEvent> events) {
		return events.stream().map((event) -> {
			ObjectNode rest = event.payload().deepCopy();
			String action = rest.remove("action").stringValue();
			HEAD.forEach(rest::remove);
			return action + " " + rest;
		}).toList();
	}

	private static List<String> fieldNames(ObjectNode payload) {
		List<String> names = new ArrayList<>();
		for (Iterator<String> it = payload.propertyNames().iterator(); it.hasNext();) {
			names.add(it.next());
		}
		return names;
	}

	private static List<String> concat(List<String> head, String... more) {
		List<String> all = new ArrayList<>(head);
		all.addAll(List.of(more));
		return all;
	}

	/**
	 * The notifications that arrived before a fence sent after the writes, as
	 * {@code channel:payload}.
	 */
	private static List<String> notifications(Connection listener) throws SQLException {
		String fence = PigeonTestDatabase.uniqueName("fence");
		try (Connection sender = PigeonTestDatabase.get().connect(); Statement statement = sender.createStatement()) {
			statement.execute("SELECT pg_notify('" + DurableLogSql.WAKE_UP_CHANNEL + "', '" + fence + "')");
		}
		List<String> received = new ArrayList<>();
		PGConnection pg = listener.unwrap(PGConnection.class);
		while (true) {
			PGNotification[] batch = pg.getNotifications(10_000);
			assertThat(batch).as("notifications before the fence").isNotNull();
			for (PGNotification notification : batch) {
				if (notification.getParameter().equals(fence)) {
					return received;
				}
				received.add(notification.getName() + ":" + notification.getParameter());
			}
		}
	}

	private record LoggedEvent(long id, long txid, String channel, ObjectNode payload, long createdMicros) {

	}

}
