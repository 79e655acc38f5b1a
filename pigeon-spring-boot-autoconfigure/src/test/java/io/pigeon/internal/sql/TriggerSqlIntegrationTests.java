package io.pigeon.internal.sql;

import java.sql.SQLException;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.pigeon.PigeonAction;
import io.pigeon.TriggerLevel;
import io.pigeon.TriggerTiming;
import io.pigeon.internal.payload.ChangePayloadWriter;
import io.pigeon.internal.payload.PayloadContract;
import io.pigeon.internal.sql.NotificationCollector.Notification;
import io.pigeon.internal.sql.TriggerTestSchema.Write;

import static io.pigeon.internal.sql.Payloads.assertPayload;
import static io.pigeon.PigeonAction.DELETE;
import static io.pigeon.PigeonAction.INSERT;
import static io.pigeon.PigeonAction.UPDATE;
import static io.pigeon.TriggerLevel.ROW;
import static io.pigeon.TriggerTiming.AFTER;
import static io.pigeon.TriggerTiming.BEFORE;
import static io.pigeon.TriggerTiming.INSTEAD_OF;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every row trigger of pgpigeon's sample configuration on its {@code items} table, installed
 * together with the generated SQL, against a real PostgreSQL: each fires with the documented
 * payload, and BEFORE and INSTEAD OF triggers leave the write as the contract says.
 * <p>
 * PostgreSQL fires the triggers of one timing in name order, so the trigger names fix the
 * order of the notifications and the {@code seq} each one gets.
 */
class TriggerSqlIntegrationTests {

	private static final String FIRST_ROW = """
			{"item_no":1,"item_description":"first","price":12.50,"created_at":"2024-05-06T07:08:09.123456+00:00",\
			"attributes":{"colour":"red","sizes":[1,2]},"note":null}""";

	private TriggerTestSchema schema;

	private NotificationCollector notifications;

	@BeforeEach
	void installSampleConfiguration() throws SQLException {
		this.schema = new TriggerTestSchema("items_");
		this.schema.execute("CREATE TABLE " + this.schema.qualified("items") + " (item_no int, "
				+ "item_description text NOT NULL, price numeric(10,2), created_at timestamptz, attributes jsonb, "
				+ "note text)");
		this.schema.execute("CREATE VIEW " + this.schema.qualified("items_view") + " AS SELECT item_no, "
				+ "item_description FROM " + this.schema.qualified("items"));
		this.schema.install(items("after_delete", AFTER, DELETE));
		this.schema.install(items("after_insert", AFTER, INSERT));
		this.schema.install(items("after_iud", AFTER, INSERT, UPDATE, DELETE));
		this.schema.install(itemsUpdateOf("after_update_of", AFTER, "item_description"));
		this.schema.install(items("before_insert", BEFORE, INSERT));
		this.schema.install(items("before_iud", BEFORE, INSERT, UPDATE, DELETE));
		this.schema.install(itemsUpdateOf("before_update_of", BEFORE, "item_description", "price"));
		this.schema.install(new TriggerDefinition(this.schema.name(), "items_view", "view_instead_of",
				"view_instead_of_fn", "items_view", List.of(), false, ROW, List.of(INSERT, UPDATE), List.of(),
				INSTEAD_OF));
		this.notifications = new NotificationCollector("after_delete", "after_insert", "after_iud", "after_update_of",
				"before_insert", "before_iud", "before_update_of", "items_view");
	}

	@AfterEach
	void dropSchema() throws SQLException {
		// closes both, skipping any that set-up did not create
		try (TriggerTestSchema schema = this.schema; NotificationCollector notifications = this.notifications) {
		}
	}

	@Test
	void insertFiresInsertTriggersWithTheRow() throws SQLException {
		Write write = this.schema.write(insertFirstRow());
		List<Notification> received = this.notifications.received();
		assertThat(received).extracting(Notification::channel)
			.containsExactly("before_insert", "before_iud", "after_insert", "after_iud");
		for (int i = 0; i < received.size(); i++) {
			assertPayload(received.get(i), received.get(i).channel(), write,
					change(INSERT, "items").seq(i + 1).data(FIRST_ROW));
		}
	}

	@Test
	void columnValuesKeepTheirJsonTypes() throws SQLException {
		this.schema.write(insertFirstRow());
		Notification notification = this.notifications.received().get(0);
		assertThat(notification.text()).contains("\"price\":12.50", "\"note\":null",
				"\"created_at\":\"2024-05-06T07:08:09.123456+00:00\"");
		assertThat(notification.payload().get(PayloadContract.DATA).get("attributes").isObject()).isTrue();
		assertThat(notification.payload().get(PayloadContract.DATA).get("price").isNumber()).isTrue();
		assertThat(notification.payload().get(PayloadContract.DATA).has("note")).isTrue();
	}

	@Test
	void beforeTriggersKeepTheWrite() throws SQLException {
		this.schema.write(insertFirstRow());
		assertThat(rows()).containsExactly("(1,first,12.50,\"2024-05-06 07:08:09.123456+00\",\"{\"\"sizes\"\": [1, 2], "
				+ "\"\"colour\"\": \"\"red\"\"}\",)");
		this.schema.write("UPDATE " + items() + " SET price = 13, item_description = 'second'");
		assertThat(rows()).singleElement().asString().startsWith("(1,second,13.00,");
		Write delete = this.schema.write("DELETE FROM " + items());
		assertThat(delete.count(0)).isEqualTo(1);
		assertThat(rows()).isEmpty();
	}

	@Test
	void updateOfSomeColumnsFiresOnlyTheTriggersOfTheColumnsItSets() throws SQLException {
		this.schema.write(insertFirstRow());
		this.notifications.received();
		this.schema.write("UPDATE " + items() + " SET note = 'noted'");
		assertThat(this.notifications.received()).extracting(Notification::channel)
			.containsExactly("before_iud", "after_iud");
		this.schema.write("UPDATE " + items() + " SET price = 13");
		assertThat(this.notifications.received()).extracting(Notification::channel)
			.containsExactly("before_iud", "before_update_of", "after_iud");
		// setting a column fires its update-of trigger even when the value stays the same
		Write write = this.schema.write("UPDATE " + items() + " SET item_description = item_description");
		List<Notification> received = this.notifications.received();
		assertThat(received).extracting(Notification::channel)
			.containsExactly("before_iud", "before_update_of", "after_iud", "after_update_of");
		String row = FIRST_ROW.replace("12.50", "13.00").replace("\"note\":null", "\"note\":\"noted\"");
		for (int i = 0; i < received.size(); i++) {
			assertPayload(received.get(i), received.get(i).channel(), write,
					change(UPDATE, "items").seq(i + 1).data(row));
		}
	}

	@Test
	void deleteFiresDeleteTriggersWithTheOldRow() throws SQLException {
		this.schema.write(insertFirstRow());
		this.notifications.received();
		Write write = this.schema.write("DELETE FROM " + items());
		List<Notification> received = this.notifications.received();
		assertThat(received).extracting(Notification::channel)
			.containsExactly("before_iud", "after_delete", "after_iud");
		for (int i = 0; i < received.size(); i++) {
			assertPayload(received.get(i), received.get(i).channel(), write,
					change(DELETE, "items").seq(i + 1).data(FIRST_ROW));
		}
	}

	@Test
	void identicalRowsOfOneStatementGiveDistinctNotifications() throws SQLException {
		String row = "(2, 'same', 1, NULL, NULL, NULL)";
		Write write = this.schema.write("INSERT INTO " + items() + " VALUES " + row + ", " + row);
		List<Notification> afterInsert = this.notifications.received()
			.stream()
			.filter((notification) -> notification.channel().equals("after_insert"))
			.toList();
		assertThat(afterInsert).hasSize(2);
		// BEFORE triggers fire as each row is inserted, AFTER row triggers once the statement is done
		String inserted = "{\"item_no\":2,\"item_description\":\"same\",\"price\":1.00,\"created_at\":null,"
				+ "\"attributes\":null,\"note\":null}";
		assertPayload(afterInsert.get(0), "after_insert", write, change(INSERT, "items").seq(5).data(inserted));
		assertPayload(afterInsert.get(1), "after_insert", write, change(INSERT, "items").seq(7).data(inserted));
	}

	@Test
	void insteadOfInsertOnViewTurnsTheWriteIntoAnEvent() throws SQLException {
		Write write = this.schema.write("INSERT INTO " + this.schema.qualified("items_view") + " VALUES (7, 'via view')");
		assertThat(write.count(0)).isEqualTo(1);
		List<Notification> received = this.notifications.received();
		assertThat(received).hasSize(1);
		assertPayload(received.get(0), "items_view", write,
				change(INSERT, "items_view").data("{\"item_no\":7,\"item_description\":\"via view\"}"));
		assertThat(rows()).isEmpty();
	}

	@Test
	void insteadOfUpdateOnViewTurnsTheWriteIntoAnEvent() throws SQLException {
		this.schema.write(insertFirstRow());
		this.notifications.received();
		Write write = this.schema.write("UPDATE " + this.schema.qualified("items_view")
				+ " SET item_description = 'changed' WHERE item_no = 1");
		assertThat(write.count(0)).isEqualTo(1);
		List<Notification> received = this.notifications.received();
		assertThat(received).hasSize(1);
		assertPayload(received.get(0), "items_view", write,
				change(UPDATE, "items_view").data("{\"item_no\":1,\"item_description\":\"changed\"}"));
		assertThat(rows()).singleElement().asString().startsWith("(1,first,");
	}

	private String[] insertFirstRow() {
		return new String[] { "INSERT INTO " + items() + " VALUES (1, 'first', 12.5, '2024-05-06 07:08:09.123456+00', "
				+ "'{\"colour\": \"red\", \"sizes\": [1, 2]}', NULL)" };
	}

	private List<String> rows() throws SQLException {
		return this.schema.queryStrings("SELECT i::text FROM " + items() + " i");
	}

	private String items() {
		return this.schema.qualified("items");
	}

	private ChangePayloadWriter change(PigeonAction action, String table) {
		return ChangePayloadWriter.change(action, this.schema.name(), table);
	}

	private TriggerDefinition items(String trigger, TriggerTiming timing, PigeonAction... events) {
		return this.schema.definition("items", trigger, trigger, ROW, timing, List.of(events));
	}

	private TriggerDefinition itemsUpdateOf(String trigger, TriggerTiming timing, String... columns) {
		return new TriggerDefinition(this.schema.name(), "items", trigger, trigger + "_fn", trigger, List.of(), false,
				ROW, List.of(UPDATE), List.of(columns), timing);
	}

}
