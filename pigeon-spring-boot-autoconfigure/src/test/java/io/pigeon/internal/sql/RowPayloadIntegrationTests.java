package io.pigeon.internal.sql;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

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
import static io.pigeon.TriggerLevel.STATEMENT;
import static io.pigeon.TriggerTiming.AFTER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a row payload carries: old values with include-old, selected columns in their order
 * (also more than one {@code json_build_object} takes), and the partitioned table's name for
 * rows of any of its partitions.
 */
class RowPayloadIntegrationTests {

	private TriggerTestSchema schema;

	private NotificationCollector notifications;

	@BeforeEach
	void createSchema() throws SQLException {
		this.schema = new TriggerTestSchema("rows_");
		this.notifications = new NotificationCollector("items", "orders");
	}

	@AfterEach
	void dropSchema() throws SQLException {
		// closes both, skipping any that set-up did not create
		try (TriggerTestSchema schema = this.schema; NotificationCollector notifications = this.notifications) {
		}
	}

	@Test
	void includeOldAddsTheOldRowToUpdatesOnly() throws SQLException {
		createItems();
		this.schema.install(new TriggerDefinition(this.schema.name(), "items", "t", "t_fn", "items", List.of(), true,
				ROW, List.of(INSERT, UPDATE, DELETE), List.of(), AFTER));
		Write insert = this.schema.write("INSERT INTO " + items() + " VALUES (1, 'first', NULL)");
		Write update = this.schema.write("UPDATE " + items() + " SET item_description = 'second', note = 'n'");
		Write delete = this.schema.write("DELETE FROM " + items());
		List<Notification> received = this.notifications.received();
		assertThat(received).hasSize(3);
		String first = "{\"item_no\":1,\"item_description\":\"first\",\"note\":null}";
		String second = "{\"item_no\":1,\"item_description\":\"second\",\"note\":\"n\"}";
		assertPayload(received.get(0), "items", insert, change(INSERT, "items").data(first));
		assertPayload(received.get(1), "items", update,
				change(UPDATE, "items").data(second).old(first));
		assertPayload(received.get(2), "items", delete, change(DELETE, "items").data(second));
	}

	@Test
	void selectedColumnsInTheirOrderWithOldValues() throws SQLException {
		createItems();
		this.schema.install(new TriggerDefinition(this.schema.name(), "items", "t", "t_fn", "items",
				List.of("note", "item_no"), true, ROW, List.of(UPDATE), List.of(), AFTER));
		this.schema.write("INSERT INTO " + items() + " VALUES (1, 'first', NULL)");
		Write update = this.schema.write("UPDATE " + items() + " SET note = 'n'");
		Notification notification = this.notifications.received().get(0);
		assertPayload(notification, "items", update,
				change(UPDATE, "items").data("{\"note\":\"n\",\"item_no\":1}")
					.old("{\"note\":null,\"item_no\":1}"));
		assertThat(notification.payload().get(PayloadContract.DATA).propertyNames()).containsExactly("note", "item_no");
	}

	@Test
	void moreSelectedColumnsThanOneJsonBuildObjectTakes() throws SQLException {
		List<String> columns = IntStream.rangeClosed(1, 120).mapToObj((i) -> "c" + i).toList();
		this.schema.execute("CREATE TABLE " + items() + " ("
				+ columns.stream().map((column) -> column + " int").collect(Collectors.joining(", ")) + ")");
		List<String> selected = new ArrayList<>(columns.subList(0, 110));
		Collections.reverse(selected);
		this.schema.install(new TriggerDefinition(this.schema.name(), "items", "t", "t_fn", "items", selected, false,
				ROW, List.of(INSERT), List.of(), AFTER));
		Write write = this.schema.write("INSERT INTO " + items() + " SELECT "
				+ IntStream.rangeClosed(1, 120).mapToObj(String::valueOf).collect(Collectors.joining(", ")));
		Notification notification = this.notifications.received().get(0);
		String data = selected.stream()
			.map((column) -> "\"" + column + "\":" + column.substring(1))
			.collect(Collectors.joining(",", "{", "}"));
		assertPayload(notification, "items", write, change(INSERT, "items").data(data));
		assertThat(notification.payload().get(PayloadContract.DATA).propertyNames()).containsExactlyElementsOf(selected);
	}

	@Test
	void triggerOnPartitionedTableCoversEveryPartitionAndReportsTheParent() throws SQLException {
		createOrders();
		this.schema.install(new TriggerDefinition(this.schema.name(), "orders", "t", "t_fn", "orders", List.of(), false,
				ROW, List.of(INSERT, UPDATE, DELETE), List.of(), AFTER));
		// a partition created after the trigger gets it too
		this.schema.execute("CREATE TABLE " + this.schema.qualified("orders_asia") + " PARTITION OF " + orders()
				+ " FOR VALUES IN ('asia')");
		Write insert = this.schema.write("INSERT INTO " + orders() + " VALUES (1, 'eu'), (2, 'asia')",
				"INSERT INTO " + this.schema.qualified("orders_us") + " VALUES (3, 'us')");
		Write update = this.schema.write("UPDATE " + this.schema.qualified("orders_eu") + " SET order_no = 10");
		List<Notification> received = this.notifications.received();
		assertThat(received).hasSize(4);
		assertPayload(received.get(0), "orders", insert,
				change(INSERT, "orders").seq(1).data("{\"order_no\":1,\"region\":\"eu\"}"));
		assertPayload(received.get(1), "orders", insert,
				change(INSERT, "orders").seq(2).data("{\"order_no\":2,\"region\":\"asia\"}"));
		assertPayload(received.get(2), "orders", insert,
				change(INSERT, "orders").seq(3).data("{\"order_no\":3,\"region\":\"us\"}"));
		assertPayload(received.get(3), "orders", update,
				change(UPDATE, "orders").data("{\"order_no\":10,\"region\":\"eu\"}"));
	}

	@Test
	void statementTriggerOnPartitionedTableCountsRowsOfEveryPartition() throws SQLException {
		createOrders();
		this.schema.install(new TriggerDefinition(this.schema.name(), "orders", "t", "t_fn", "orders", List.of(), false,
				STATEMENT, List.of(INSERT), List.of(), AFTER));
		Write write = this.schema.write("INSERT INTO " + orders() + " VALUES (1, 'eu'), (2, 'us'), (3, 'us')");
		List<Notification> received = this.notifications.received();
		assertThat(received).hasSize(1);
		assertPayload(received.get(0), "orders", write, change(INSERT, "orders").count(3L));
	}

	private void createItems() throws SQLException {
		this.schema.execute("CREATE TABLE " + items() + " (item_no int, item_description text, note text)");
	}

	private void createOrders() throws SQLException {
		this.schema.execute("CREATE TABLE " + orders() + " (order_no int, region text) PARTITION BY LIST (region)");
		this.schema.execute("CREATE TABLE " + this.schema.qualified("orders_eu") + " PARTITION OF " + orders()
				+ " FOR VALUES IN ('eu')");
		this.schema.execute("CREATE TABLE " + this.schema.qualified("orders_us") + " PARTITION OF " + orders()
				+ " FOR VALUES IN ('us')");
	}

	private ChangePayloadWriter change(PigeonAction action, String table) {
		return ChangePayloadWriter.change(action, this.schema.name(), table);
	}

	private String items() {
		return this.schema.qualified("items");
	}

	private String orders() {
		return this.schema.qualified("orders");
	}

}
