package io.pigeon.internal.sql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import io.pigeon.PigeonAction;
import io.pigeon.TriggerDelivery;
import io.pigeon.TriggerLevel;
import io.pigeon.TriggerTiming;
import io.pigeon.internal.durable.DurableLogSql;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static io.pigeon.PigeonAction.INSERT;
import static io.pigeon.PigeonAction.UPDATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The trigger options of durable triggers against PostgreSQL, read from the change log: the
 * set-based form applies {@code condition}, {@code changed-only} and {@code ignore-columns} in
 * its {@code INSERT ... SELECT}, lists the changed columns of paired rows and reads the context
 * once per statement; the row-level form ({@code update-of}) has them in its {@code WHEN}
 * clause; {@code include-rows} logs one event per statement with every row; silencing logs
 * nothing.
 */
class DurableSharperTriggerIntegrationTests {

	private static final List<String> HEAD = List.of("action", "schema", "table", "txid", "seq", "ts", "id");

	private TriggerTestSchema schema;

	private DurableLogSql log;

	private String items;

	@BeforeEach
	void createSchema() throws SQLException {
		this.schema = new TriggerTestSchema("pigeon_dsharp");
		this.log = new DurableLogSql(this.schema.name());
		this.schema.execute(this.log.createObjects());
		this.items = this.schema.qualified("items");
		// columns named like the set-based function's variables and aliases
		this.schema.execute("CREATE TABLE " + this.items + " (id int PRIMARY KEY, name text, v int, price numeric(10, 2),"
				+ " attributes jsonb, updated_at timestamptz, seq int, written int, pigeon_context text, n int,"
				+ " pigeon_n int, pigeon_row int, \"new\" int, \"old\" int)");
	}

	@AfterEach
	void dropSchema() throws SQLException {
		this.schema.close();
	}

	@Test
	void conditionFiltersInsertsAndUpdatesAndSeqsFollowEachOther() throws SQLException {
		TriggerDefinition definition = durable(List.of("id", "v"), List.of(INSERT, UPDATE), List.of(),
				options("NEW.v > 10", false, List.of(), false, Map.of()));
		assertThat(TriggerSqlGenerator.setBased(definition, null)).isTrue();
		this.schema.install(definition);
		this.schema.write("INSERT INTO " + this.items + " (id, v) VALUES (1, 5), (2, 20), (3, 8), (4, 30)",
				"UPDATE " + this.items + " SET v = v + 4");
		assertThat(rest(events())).containsExactly("INSERT 1 {\"data\":{\"id\":2,\"v\":20}}",
				"INSERT 2 {\"data\":{\"id\":4,\"v\":30}}", "UPDATE 3 {\"data\":{\"id\":2,\"v\":24}}",
				"UPDATE 4 {\"data\":{\"id\":3,\"v\":12}}", "UPDATE 5 {\"data\":{\"id\":4,\"v\":34}}");
	}

	@Test
	void conditionOfAnInsertOnlyTriggerReadsNew() throws SQLException {
		this.schema.install(durable(List.of("id", "name"), List.of(INSERT), List.of(),
				options("NEW.name <> 'draft'", false, List.of(), false, Map.of())));
		this.schema.write("INSERT INTO " + this.items + " (id, name) VALUES (1, 'draft'), (2, 'new'), (3, NULL)");
		assertThat(rest(events())).containsExactly("INSERT 1 {\"data\":{\"id\":2,\"name\":\"new\"}}");
	}

	@Test
	void conditionOfAnUpdateTriggerReadsOldAndNewOfTheSameRow() throws SQLException {
		this.schema.execute("INSERT INTO " + this.items + " (id, v) SELECT i, i FROM generate_series(1, 1000) i");
		this.schema.install(durable(List.of("id", "v"), List.of(UPDATE), List.of(),
				options("old.v < NEW.v AND NEW.id % 100 = 0", false, List.of(), false, Map.of())));
		this.schema.write("UPDATE " + this.items + " SET v = CASE WHEN id <= 500 THEN v + 1 ELSE v - 1 END");
		assertThat(events()).extracting((event) -> event.payload().get("data").get("id").intValue())
			.containsExactly(100, 200, 300, 400, 500);
		assertThat(events()).extracting((event) -> event.payload().get("data").get("v").intValue())
			.containsExactly(101, 201, 301, 401, 501);
	}

	@Test
	void filteredBulkUpdateIsStillOneFunctionCallPerStatement() throws SQLException {
		this.schema.execute("INSERT INTO " + this.items + " (id, v) SELECT i, i FROM generate_series(1, 10000) i");
		TriggerDefinition definition = durable(List.of("id", "v"), List.of(UPDATE), List.of(),
				options("NEW.v % 2 = 0", true, List.of("updated_at"), true, ordered("user", "app.user_id")));
		this.schema.install(definition);
		Connection connection = this.schema.connection();
		connection.setAutoCommit(false);
		try (Statement statement = connection.createStatement()) {
			statement.execute("SET LOCAL track_functions = 'all'");
			assertThat(statement.executeUpdate("UPDATE " + this.items + " SET v = v + 1")).isEqualTo(10000);
			assertThat(this.schema.queryLong("SELECT pg_stat_get_xact_function_calls(" + SqlIdentifiers.literal(
					SqlIdentifiers.qualified(definition.schema(), definition.function()) + "()") + "::regprocedure)"))
				.isOne();
			connection.commit();
		}
		finally {
			connection.setAutoCommit(true);
		}
		List<LoggedEvent> events = events();
		assertThat(events).hasSize(5000)
			.allSatisfy((event) -> assertThat(event.payload().get("changed").toString()).isEqualTo("[\"v\"]"));
		assertThat(events).extracting((event) -> event.payload().get("seq").longValue())
			.containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 5000).boxed().toList());
	}

	@Test
	void changedOnlyDropsUpdatesThatChangeNothingAndKeepsNullToValueToNull() throws SQLException {
		this.schema.execute("INSERT INTO " + this.items + " (id, name, v) VALUES (1, NULL, 1), (2, 'b', 2)");
		this.schema.install(durable(List.of("id", "name"), List.of(UPDATE), List.of(),
				options(null, true, List.of(), false, Map.of())));
		this.schema.write("UPDATE " + this.items + " SET name = name", "UPDATE " + this.items + " SET v = v + 1",
				"UPDATE " + this.items + " SET name = 'a' WHERE id = 1", "UPDATE " + this.items + " SET name = NULL");
		assertThat(rest(events())).hasSize(3)
			.startsWith("UPDATE 1 {\"data\":{\"id\":1,\"name\":\"a\"}}")
			.containsAnyOf("UPDATE 2 {\"data\":{\"id\":1,\"name\":null}}", "UPDATE 3 {\"data\":{\"id\":1,\"name\":null}}")
			.containsAnyOf("UPDATE 2 {\"data\":{\"id\":2,\"name\":null}}", "UPDATE 3 {\"data\":{\"id\":2,\"name\":null}}");
	}

	@Test
	void ignoreColumnsDropsUpdatesOfIgnoredColumnsOnly() throws SQLException {
		this.schema.execute("INSERT INTO " + this.items + " (id, v) VALUES (1, 1)");
		this.schema.install(durable(List.of(), List.of(UPDATE), List.of(),
				options(null, false, List.of("updated_at"), false, Map.of())));
		this.schema.write("UPDATE " + this.items + " SET updated_at = now()");
		assertThat(events()).isEmpty();
		this.schema.write("UPDATE " + this.items + " SET updated_at = now(), v = 2");
		// an update that changed nothing at all still fires, as in notify mode
		this.schema.write("UPDATE " + this.items + " SET v = v");
		assertThat(events()).extracting((event) -> event.payload().get("data").get("v").intValue())
			.containsExactly(2, 2);
	}

	@Test
	void changedListsExactlyTheDifferingColumnsOfEachRow() throws SQLException {
		this.schema.execute("INSERT INTO " + this.items + " (id, name, price, attributes, updated_at) VALUES"
				+ " (1, 'a', 1.0, '{\"a\": 1, \"b\": 2}', now()), (2, 'b', 2, NULL, now())");
		this.schema.install(durable(List.of(), List.of(UPDATE), List.of(),
				options(null, false, List.of("updated_at"), true, Map.of())));
		this.schema.write("UPDATE " + this.items + " SET attributes = '{\"b\": 2, \"a\": 1}', price = 1.00,"
				+ " updated_at = now() + interval '1 hour', name = name || '!' WHERE id = 1");
		this.schema.write("UPDATE " + this.items + " SET attributes = CASE WHEN id = 2 THEN '{}'::jsonb END,"
				+ " price = price + 1");
		this.schema.write("UPDATE " + this.items + " SET v = v");
		assertThat(events()).extracting((event) -> event.payload().get("data").get("id").intValue() + " "
				+ event.payload().get("changed")).containsExactlyInAnyOrder("1 [\"name\"]", "1 [\"price\",\"attributes\"]",
						"2 [\"price\",\"attributes\"]", "1 []", "2 []");
		assertThat(events()).extracting((event) -> event.payload().get("seq").longValue())
			.containsExactly(1L, 1L, 2L, 1L, 2L);
		assertThat(fieldNames(events().get(0).payload())).isEqualTo(concat(HEAD, "data", "changed"));
	}

	@Test
	void changedOfChosenColumnsWithIncludeOldComesAfterOld() throws SQLException {
		this.schema.execute("INSERT INTO " + this.items + " (id, name, v) VALUES (1, 'a', 1)");
		this.schema.install(new TriggerDefinition(this.schema.name(), "items", "items_log", "items_log_fn", "items",
				List.of("id", "name"), true, TriggerLevel.ROW, List.of(UPDATE), List.of(), TriggerTiming.AFTER,
				TriggerDelivery.DURABLE, options(null, true, List.of(), true, Map.of())));
		this.schema.write("UPDATE " + this.items + " SET v = 2", "UPDATE " + this.items + " SET name = 'b', v = 3");
		assertThat(rest(events())).containsExactly(
				"UPDATE 1 {\"data\":{\"id\":1,\"name\":\"b\"},\"old\":{\"id\":1,\"name\":\"a\"},\"changed\":[\"name\"]}");
	}

	@Test
	void contextIsReadOncePerStatementAndIsNullWhenUnset() throws SQLException {
		this.schema.install(durable(List.of("id"), List.of(INSERT, UPDATE), List.of(),
				options(null, false, List.of(), false, ordered("user", "app.user_id", "request", "app.request_id"))));
		Connection connection = this.schema.connection();
		connection.setAutoCommit(false);
		try (Statement statement = connection.createStatement()) {
			statement.execute("SELECT set_config('app.user_id', '42', true)");
			statement.execute("INSERT INTO " + this.items + " (id, seq, pigeon_context) VALUES (1, 7, 'x'), (2, 8, 'y')");
			connection.commit();
			statement.execute("UPDATE " + this.items + " SET v = 1 WHERE id = 1");
			connection.commit();
		}
		finally {
			connection.setAutoCommit(true);
		}
		assertThat(rest(events())).containsExactly("INSERT 1 {\"data\":{\"id\":1},\"context\":{\"user\":\"42\",\"request\":null}}",
				"INSERT 2 {\"data\":{\"id\":2},\"context\":{\"user\":\"42\",\"request\":null}}",
				"UPDATE 1 {\"data\":{\"id\":1},\"context\":{\"user\":null,\"request\":null}}");
	}

	@Test
	void rowLevelFormFiltersAndCarriesChangedAndContextInItsWhenClause() throws SQLException {
		this.schema.execute("INSERT INTO " + this.items + " (id, name, v) VALUES (1, 'a', 1), (2, 'b', 2)");
		TriggerDefinition definition = durable(List.of("id", "name"), List.of(UPDATE), List.of("name", "v"),
				options("NEW.id = 1", true, List.of("v"), true, Map.of("user", "app.user_id")));
		assertThat(TriggerSqlGenerator.setBased(definition, null)).isFalse();
		this.schema.install(definition);
		this.schema.write("UPDATE " + this.items + " SET v = v + 1", "UPDATE " + this.items + " SET name = name || '!'");
		assertThat(rest(events())).containsExactly(
				"UPDATE 1 {\"data\":{\"id\":1,\"name\":\"a!\"},\"changed\":[\"name\"],\"context\":{\"user\":null}}");
	}

	@Test
	void includeRowsLogsOneEventPerStatementWithEveryRow() throws SQLException {
		this.schema.execute("INSERT INTO " + this.items + " (id, name) SELECT i, 'new' FROM generate_series(1, 10000) i");
		this.schema.install(new TriggerDefinition(this.schema.name(), "items", "items_log", "items_log_fn", "items",
				List.of("id", "name"), false, TriggerLevel.STATEMENT, List.of(UPDATE), List.of(), TriggerTiming.AFTER,
				TriggerDelivery.DURABLE, new TriggerOptions(null, false, List.of(), false, Map.of("user", "app.user_id"), true)));
		this.schema.write("UPDATE " + this.items + " SET name = 'paid'", "UPDATE " + this.items + " SET v = 1 WHERE false");
		List<LoggedEvent> events = events();
		assertThat(events).hasSize(2);
		ObjectNode payload = events.get(0).payload();
		assertThat(fieldNames(payload)).isEqualTo(concat(HEAD, "count", "rows", "context"));
		assertThat(payload.get("count").longValue()).isEqualTo(10000);
		JsonNode rows = payload.get("rows");
		assertThat(rows.size()).isEqualTo(10000);
		List<Integer> ids = new ArrayList<>();
		rows.forEach((row) -> {
			assertThat(row.get("name").stringValue()).isEqualTo("paid");
			ids.add(row.get("id").intValue());
		});
		assertThat(ids).doesNotHaveDuplicates();
		assertThat(events.get(1).payload().get("count").longValue()).isZero();
		assertThat(events.get(1).payload().get("rows").size()).isZero();
	}

	@Test
	void silencedTransactionLogsNothingAndTheNextTransactionLogsAgain() throws SQLException {
		this.schema.install(durable(List.of("id"), List.of(INSERT, UPDATE), List.of(), TriggerOptions.NONE));
		this.schema.execute("CREATE TABLE " + this.schema.qualified("parts") + " (id int PRIMARY KEY)");
		this.schema.install(new TriggerDefinition(this.schema.name(), "parts", "parts_log", "parts_log_fn", "parts",
				List.of("id"), false, TriggerLevel.ROW, List.of(UPDATE), List.of("id"), TriggerTiming.AFTER,
				TriggerDelivery.DURABLE));
		this.schema.execute("INSERT INTO " + this.schema.qualified("parts") + " VALUES (1)");
		Connection connection = this.schema.connection();
		connection.setAutoCommit(false);
		try (Statement statement = connection.createStatement()) {
			statement.execute("SET LOCAL pigeon.silence = 'on'");
			statement.execute("INSERT INTO " + this.items + " (id) VALUES (1), (2)");
			statement.execute("UPDATE " + this.items + " SET v = 1");
			statement.execute("UPDATE " + this.schema.qualified("parts") + " SET id = 2");
			connection.commit();
			// the same connection, the next transaction: logged again
			statement.execute("UPDATE " + this.items + " SET v = 2 WHERE id = 1");
			statement.execute("UPDATE " + this.schema.qualified("parts") + " SET id = 3");
			connection.commit();
		}
		finally {
			connection.setAutoCommit(true);
		}
		assertThat(events()).extracting((event) -> event.channel() + " " + event.payload().get("data"))
			.containsExactly("items {\"id\":1}", "parts {\"id\":3}");
	}

	@Test
	void filterChecksPlanTheFilterWithTheFunctionsSearchPath() throws SQLException {
		this.schema.execute("CREATE FUNCTION " + this.schema.qualified("big") + "(int) RETURNS boolean"
				+ " LANGUAGE sql IMMUTABLE AS 'SELECT $1 > 10'");
		TriggerSqlGenerator generator = new TriggerSqlGenerator(this.schema.name());
		String qualified = this.schema.qualified("big") + "(NEW.v)";
		assertThat(tryChecks(generator, durable(List.of(), List.of(INSERT, UPDATE), List.of(),
				options(qualified, false, List.of(), false, Map.of())))).isNull();
		assertThat(tryChecks(generator, durable(List.of(), List.of(UPDATE), List.of(),
				options("OLD.v <> NEW.v", true, List.of("updated_at"), false, Map.of())))).isNull();
		this.schema.execute("SET search_path = " + SqlIdentifiers.quote(this.schema.name()) + ", public");
		assertThat(tryChecks(generator, durable(List.of(), List.of(INSERT), List.of(),
				options("big(NEW.v)", false, List.of(), false, Map.of())))).contains("function big(integer) does not exist");
		assertThat(tryChecks(generator, durable(List.of(), List.of(INSERT), List.of(),
				options("NEW.nope", false, List.of(), false, Map.of())))).contains("column new.nope does not exist");
	}

	@Test
	void unqualifiedFunctionOfAnotherSchemaIsNotFoundByTheSetBasedFunction() throws SQLException {
		// what filterChecks guards against: the function body runs with search_path pg_catalog
		this.schema.execute("CREATE FUNCTION " + this.schema.qualified("big") + "(int) RETURNS boolean"
				+ " LANGUAGE sql IMMUTABLE AS 'SELECT $1 > 10'");
		this.schema.execute("SET search_path = " + SqlIdentifiers.quote(this.schema.name()) + ", public");
		this.schema.install(durable(List.of(), List.of(INSERT), List.of(),
				options("big(NEW.v)", false, List.of(), false, Map.of())));
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> this.schema.execute("INSERT INTO " + this.items + " (id, v) VALUES (1, 20)"))
			.withMessageContaining("function big(integer) does not exist");
	}

	private @Nullable String tryChecks(TriggerSqlGenerator generator, TriggerDefinition definition)
			throws SQLException {
		Connection connection = this.schema.connection();
		connection.setAutoCommit(false);
		try (Statement statement = connection.createStatement()) {
			for (String check : generator.filterChecks(definition)) {
				statement.execute(check);
			}
			return null;
		}
		catch (SQLException ex) {
			return ex.getMessage();
		}
		finally {
			connection.rollback();
			connection.setAutoCommit(true);
		}
	}

	private TriggerDefinition durable(List<String> columns, List<PigeonAction> events, List<String> updateOf,
			TriggerOptions options) {
		return new TriggerDefinition(this.schema.name(), "items", "items_log", "items_log_fn", "items", columns, false,
				TriggerLevel.ROW, events, updateOf, TriggerTiming.AFTER, TriggerDelivery.DURABLE, options);
	}

	private static TriggerOptions options(@Nullable String condition, boolean changedOnly, List<String> ignore,
			boolean includeChanged, Map<String, String> context) {
		return new TriggerOptions(condition, changedOnly, ignore, includeChanged, context, false);
	}

	private static Map<String, String> ordered(String... keysAndSettings) {
		Map<String, String> context = new LinkedHashMap<>();
		for (int i = 0; i < keysAndSettings.length; i += 2) {
			context.put(keysAndSettings[i], keysAndSettings[i + 1]);
		}
		return context;
	}

	private List<LoggedEvent> events() throws SQLException {
		List<LoggedEvent> events = new ArrayList<>();
		try (Statement statement = this.schema.connection().createStatement();
				ResultSet result = statement.executeQuery("SELECT id, channel, payload FROM "
						+ this.log.qualified(DurableLogSql.LOG) + " ORDER BY id")) {
			while (result.next()) {
				events.add(new LoggedEvent(result.getLong(1), result.getString(2),
						(ObjectNode) NotificationCollector.JSON.readTree(result.getString(3))));
			}
		}
		return events;
	}

	/**
	 * Each event's action, seq and keys after the head, e.g. {@code INSERT 1 {"data":{...}}}.
	 */
	private static List<String> rest(List<LoggedEvent> events) {
		return events.stream().map((event) -> {
			ObjectNode rest = event.payload().deepCopy();
			assertThat(rest.get("id").longValue()).isEqualTo(event.id());
			String action = rest.get("action").stringValue();
			long seq = rest.get("seq").longValue();
			HEAD.forEach(rest::remove);
			return action + " " + seq + " " + rest;
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

	private record LoggedEvent(long id, String channel, ObjectNode payload) {

	}

}
