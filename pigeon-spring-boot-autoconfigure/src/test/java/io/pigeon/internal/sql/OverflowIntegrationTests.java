package io.pigeon.internal.sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.pigeon.PigeonAction;
import io.pigeon.TriggerLevel;
import io.pigeon.TriggerTiming;
import io.pigeon.internal.payload.ChangePayloadWriter;
import io.pigeon.internal.payload.PayloadContract;
import io.pigeon.internal.sql.NotificationCollector.Notification;
import io.pigeon.internal.sql.TriggerTestSchema.Write;
import io.pigeon.test.PigeonTestDatabase;

import static io.pigeon.internal.sql.Payloads.assertPayload;
import static io.pigeon.PigeonAction.DELETE;
import static io.pigeon.PigeonAction.INSERT;
import static io.pigeon.PigeonAction.UPDATE;
import static io.pigeon.TriggerLevel.ROW;
import static io.pigeon.TriggerTiming.AFTER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A payload of 8000 bytes or more, which PostgreSQL's NOTIFY refuses, is stored in the overflow
 * table and referenced by id; the user's write succeeds either way.
 */
class OverflowIntegrationTests {

	private TriggerTestSchema schema;

	private NotificationCollector notifications;

	private String role;

	@BeforeEach
	void createTable() throws SQLException {
		this.schema = new TriggerTestSchema("overflow_");
		this.schema.execute("CREATE TABLE " + items() + " (item_no int, item_description text)");
		this.schema.install(new TriggerDefinition(this.schema.name(), "items", "t", "t_fn", "items", List.of(), true,
				ROW, List.of(INSERT, UPDATE, DELETE), List.of(), AFTER));
		this.notifications = new NotificationCollector("items");
	}

	@AfterEach
	void dropSchema() throws SQLException {
		// closes both, skipping any that set-up did not create
		try (TriggerTestSchema schema = this.schema; NotificationCollector notifications = this.notifications) {
		}
		finally {
			if (this.role != null) {
				try (Connection connection = PigeonTestDatabase.get().connect();
						Statement statement = connection.createStatement()) {
					statement.execute("DROP ROLE IF EXISTS " + SqlIdentifiers.quote(this.role));
				}
			}
		}
	}

	@Test
	void largeRowIsDeliveredThroughTheOverflowTable() throws SQLException {
		Write write = this.schema.write(insert(1, "x".repeat(20_000)));
		assertOverflowed(write, INSERT, rowJson());
	}

	@Test
	void multiByteTextIsCountedInBytes() throws SQLException {
		// 3950 characters of two bytes each: the payload has fewer than 8000 characters but more
		// than 8000 bytes
		Write write = this.schema.write(insert(1, "é".repeat(3950)));
		assertOverflowed(write, INSERT, rowJson());
		assertThat(this.schema.queryStrings("SELECT length(payload) < 8000 AND octet_length(payload) >= 8000 FROM "
				+ overflowTable())).containsExactly("t");
	}

	@Test
	void sameNumberOfSingleByteCharactersIsNotifiedDirectly() throws SQLException {
		Write write = this.schema.write(insert(1, "e".repeat(3950)));
		List<Notification> received = this.notifications.received();
		assertThat(received).hasSize(1);
		assertPayload(received.get(0), "items", write,
				ChangePayloadWriter.change(INSERT, this.schema.name(), "items").data(rowJson()));
		assertThat(this.schema.queryStrings("SELECT count(*) FROM " + overflowTable())).containsExactly("0");
	}

	@Test
	void largeUpdateCarriesTheOldRowAndLargeDeleteTheDeletedRow() throws SQLException {
		this.schema.write(insert(1, "x".repeat(8_500)));
		this.notifications.received();
		String oldRow = rowJson();
		Write update = this.schema.write("UPDATE " + items() + " SET item_description = item_description || 'y'");
		ObjectNode updated = assertOverflowed(update, UPDATE, rowJson());
		assertThat(updated.get(PayloadContract.OLD)).isEqualTo(NotificationCollector.JSON.readTree(oldRow));

		String deletedRow = rowJson();
		Write delete = this.schema.write("DELETE FROM " + items());
		ObjectNode deleted = assertOverflowed(delete, DELETE, deletedRow);
		assertThat(deleted.has(PayloadContract.OLD)).isFalse();
	}

	@Test
	void writerWithoutPrivilegesOnPigeonsTableCanStillWriteLargeRows() throws SQLException {
		this.role = PigeonTestDatabase.uniqueName("pigeon_writer");
		String role = SqlIdentifiers.quote(this.role);
		this.schema.execute("CREATE ROLE " + role + " NOLOGIN");
		this.schema.execute("GRANT USAGE ON SCHEMA " + SqlIdentifiers.quote(this.schema.name()) + " TO " + role);
		this.schema.execute("GRANT INSERT, SELECT ON " + items() + " TO " + role);
		this.schema.execute("SET ROLE " + role);
		try {
			assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> this.schema.queryStrings("SELECT payload FROM " + overflowTable()))
				.withMessageContaining("permission denied");
			Write write = this.schema.write(insert(1, "x".repeat(20_000)));
			this.schema.execute("RESET ROLE");
			assertOverflowed(write, INSERT, rowJson());
		}
		finally {
			this.schema.execute("RESET ROLE");
		}
	}

	/**
	 * Assert that the write's one notification refers to the overflow table, and that the
	 * stored payload is exactly what the notification would have carried: the same keys and
	 * the row as {@code to_json} gives it.
	 * @return the stored payload
	 */
	private ObjectNode assertOverflowed(Write write, PigeonAction action, String row) throws SQLException {
		List<Notification> received = this.notifications.received();
		assertThat(received).hasSize(1);
		Notification notification = received.get(0);
		JsonNode overflow = notification.payload().get(PayloadContract.OVERFLOW);
		assertThat(overflow.isIntegralNumber()).isTrue();
		assertPayload(notification, "items", write,
				ChangePayloadWriter.change(action, this.schema.name(), "items").overflow(overflow.longValue()));

		String text = storedPayload(overflow.longValue());
		assertThat(this.schema.queryStrings("SELECT octet_length(?::text) >= 8000", text)).containsExactly("t");
		ObjectNode stored = (ObjectNode) NotificationCollector.JSON.readTree(text);
		assertThat(stored.deepCopy().without(List.of(PayloadContract.DATA, PayloadContract.OLD)))
			.isEqualTo(notification.payload().deepCopy().without(PayloadContract.OVERFLOW));
		assertThat(stored.get(PayloadContract.DATA)).isEqualTo(NotificationCollector.JSON.readTree(row));
		return stored;
	}

	private String storedPayload(long id) throws SQLException {
		List<String> payloads = this.schema.queryStrings("SELECT payload FROM " + overflowTable() + " WHERE id = ?",
				id);
		assertThat(payloads).hasSize(1);
		return payloads.get(0);
	}

	private String rowJson() throws SQLException {
		return this.schema.queryStrings("SELECT to_json(i)::text FROM " + items() + " i").get(0);
	}

	private String insert(int itemNo, String description) {
		return "INSERT INTO " + items() + " VALUES (" + itemNo + ", " + SqlIdentifiers.literal(description) + ")";
	}

	private String items() {
		return this.schema.qualified("items");
	}

	private String overflowTable() {
		return this.schema.qualified(TriggerSqlGenerator.OVERFLOW_TABLE);
	}

}
