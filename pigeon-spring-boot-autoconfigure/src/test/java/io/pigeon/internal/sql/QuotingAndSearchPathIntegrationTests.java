package io.pigeon.internal.sql;

import java.sql.SQLException;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.node.ObjectNode;

import io.pigeon.PigeonAction;
import io.pigeon.TriggerLevel;
import io.pigeon.TriggerTiming;
import io.pigeon.internal.payload.PayloadContract;
import io.pigeon.internal.sql.NotificationCollector.Notification;
import io.pigeon.internal.sql.TriggerTestSchema.Write;

import static io.pigeon.internal.sql.Payloads.assertPayload;
import static io.pigeon.PigeonAction.INSERT;
import static io.pigeon.PigeonAction.UPDATE;
import static io.pigeon.TriggerLevel.ROW;
import static io.pigeon.TriggerTiming.AFTER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Names that are not plain lower-case words are taken literally as schema, table, column,
 * trigger, function and channel names, never as SQL; and a writer's session settings cannot
 * change what the generated functions do.
 */
class QuotingAndSearchPathIntegrationTests {

	private static final List<String> COLUMNS = List.of("Order Items", "MiXeD", "it\"ems", "items; drop table x",
			"back\\slash");

	private TriggerTestSchema schema;

	private NotificationCollector orders;

	private NotificationCollector lowerCaseOrders;

	@BeforeEach
	void createSchema() throws SQLException {
		// A capital and a space in the schema's name too
		this.schema = new TriggerTestSchema("Order Items ");
		// What "items; drop table x" would drop if it were read as SQL
		this.schema.execute("CREATE TABLE " + this.schema.qualified("x") + " (id int)");
		this.schema.execute("SET search_path = " + SqlIdentifiers.quote(this.schema.name()));
		this.orders = new NotificationCollector("Orders");
		this.lowerCaseOrders = new NotificationCollector("orders");
	}

	@AfterEach
	void dropSchema() throws SQLException {
		// closes every one, skipping any that set-up did not create
		try (TriggerTestSchema schema = this.schema;
				NotificationCollector orders = this.orders;
				NotificationCollector lowerCaseOrders = this.lowerCaseOrders) {
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "Order Items", "MiXeD", "it\"ems", "items; drop table x", "back\\slash", "$pigeon$" })
	void namesAreLiteral(String name) throws SQLException {
		this.schema.execute("CREATE TABLE " + this.schema.qualified(name) + " (" + String.join(", ",
				COLUMNS.stream().map((column) -> SqlIdentifiers.quote(column) + " text").toList()) + ")");
		this.schema.install(new TriggerDefinition(this.schema.name(), name, name, name, "Orders", List.of(), false, ROW,
				List.of(INSERT), List.of(), AFTER));
		this.schema.install(new TriggerDefinition(this.schema.name(), name, name + " columns", name + " columns",
				"Orders", List.of("it\"ems", "Order Items"), true, ROW, List.of(INSERT, UPDATE), List.of("MiXeD"),
				AFTER));
		Write write = this.schema.write("INSERT INTO " + this.schema.qualified(name) + " VALUES ('o', 'm', 'q', 's', 'b')");

		List<Notification> received = this.orders.received();
		assertThat(received).hasSize(2);
		ObjectNode every = payload(name, 1);
		ObjectNode all = every.putObject(PayloadContract.DATA);
		COLUMNS.forEach((column) -> all.put(column, "o m q s b".split(" ")[COLUMNS.indexOf(column)]));
		assertPayload(received.get(0), "Orders", write, every);
		ObjectNode selected = payload(name, 2);
		selected.putObject(PayloadContract.DATA).put("it\"ems", "q").put("Order Items", "o");
		assertPayload(received.get(1), "Orders", write, selected);

		assertThat(this.lowerCaseOrders.received()).isEmpty();
		assertThat(this.schema.queryStrings("SELECT tgname FROM pg_trigger WHERE tgrelid = ?::regclass ORDER BY 1",
				this.schema.qualified(name))).containsExactly(name, name + " columns");
		assertThat(this.schema.queryStrings("SELECT count(*) FROM x")).containsExactly("0");
	}

	@Test
	void literalsWithBackslashesSurviveSessionsWithoutStandardConformingStrings() throws SQLException {
		String name = "back\\slash \"quoted\"";
		this.schema.execute("CREATE TABLE " + this.schema.qualified(name) + " (\"a\\b\" text)");
		this.schema.install(new TriggerDefinition(this.schema.name(), name, "t", "f", "Orders", List.of("a\\b"), false,
				ROW, List.of(INSERT), List.of(), AFTER));
		// PL/pgSQL compiles a function with the settings of the first session that calls it
		this.schema.execute("SET standard_conforming_strings = off");
		this.schema.execute("SET escape_string_warning = off");
		Write write = this.schema.write("INSERT INTO " + this.schema.qualified(name) + " VALUES ('v')");
		ObjectNode expected = payload(name, 1);
		expected.putObject(PayloadContract.DATA).put("a\\b", "v");
		assertPayload(this.orders.received().get(0), "Orders", write, expected);
	}

	@Test
	void writersSearchPathCannotReplaceTheFunctionsCalls() throws SQLException {
		this.schema.execute("CREATE TABLE " + this.schema.qualified("items") + " (item_no int)");
		this.schema.install(new TriggerDefinition(this.schema.name(), "items", "t", "f", "Orders", List.of(), false,
				ROW, List.of(INSERT), List.of(), AFTER));
		// Functions a writer could put in front of pg_catalog in its own search_path
		this.schema.execute("CREATE FUNCTION to_json(anyelement) RETURNS json LANGUAGE sql "
				+ "AS $$SELECT '\"hijacked\"'::json$$");
		this.schema.execute("CREATE FUNCTION txid_current() RETURNS bigint LANGUAGE sql AS 'SELECT -1::bigint'");
		this.schema.execute("CREATE FUNCTION pg_notify(text, text) RETURNS void LANGUAGE sql AS ''");
		this.schema.execute("SET search_path = " + SqlIdentifiers.quote(this.schema.name()) + ", pg_catalog");
		assertThat(this.schema.queryStrings("SELECT to_json(1)")).containsExactly("\"hijacked\"");
		Write write = this.schema.write("INSERT INTO items VALUES (1)");
		ObjectNode expected = payload("items", 1);
		expected.putObject(PayloadContract.DATA).put("item_no", 1);
		assertPayload(this.orders.received().get(0), "Orders", write, expected);
	}

	private ObjectNode payload(String table, int seq) {
		return NotificationCollector.JSON.createObjectNode()
			.put(PayloadContract.ACTION, INSERT.name())
			.put(PayloadContract.SCHEMA, this.schema.name())
			.put(PayloadContract.TABLE, table)
			.put(PayloadContract.SEQ, seq);
	}

}
