package io.pigeon.internal.sql;

import java.sql.SQLException;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.pigeon.PigeonAction;
import io.pigeon.TriggerLevel;
import io.pigeon.TriggerTiming;
import io.pigeon.internal.payload.ChangePayloadWriter;
import io.pigeon.internal.sql.NotificationCollector.Notification;
import io.pigeon.internal.sql.TriggerTestSchema.Write;

import static io.pigeon.internal.sql.Payloads.assertPayload;
import static io.pigeon.PigeonAction.DELETE;
import static io.pigeon.PigeonAction.INSERT;
import static io.pigeon.PigeonAction.TRUNCATE;
import static io.pigeon.PigeonAction.UPDATE;
import static io.pigeon.TriggerLevel.STATEMENT;
import static io.pigeon.TriggerTiming.AFTER;
import static io.pigeon.TriggerTiming.BEFORE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Statement-level triggers: one notification per statement, with {@code count} exactly where
 * PostgreSQL can give it (an AFTER trigger on one event without update-of), and without it
 * everywhere else.
 */
class StatementTriggerIntegrationTests {

	private TriggerTestSchema schema;

	private NotificationCollector notifications;

	@BeforeEach
	void createTable() throws SQLException {
		this.schema = new TriggerTestSchema("statement_");
		this.schema.execute("CREATE TABLE " + items() + " (item_no int, item_description text)");
		this.schema.execute("INSERT INTO " + items() + " VALUES (1, 'a'), (2, 'b'), (3, 'c')");
		this.notifications = new NotificationCollector("counted", "uncounted");
	}

	@AfterEach
	void dropSchema() throws SQLException {
		// closes both, skipping any that set-up did not create
		try (TriggerTestSchema schema = this.schema; NotificationCollector notifications = this.notifications) {
		}
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			INSERT | INSERT INTO %s SELECT n, 'x' FROM generate_series(10, 14) n | 5
			UPDATE | UPDATE %s SET item_description = 'z' WHERE item_no <= 2       | 2
			DELETE | DELETE FROM %s                                                | 3
			""")
	void afterTriggerOnOneEventCountsTheRowsTouched(PigeonAction event, String statement, int count)
			throws SQLException {
		install("counted", AFTER, event);
		Write write = this.schema.write(statement.formatted(items()));
		assertOne(write, "counted", change(event).count((long) count));
	}

	@Test
	void statementThatTouchesNoRowCountsZero() throws SQLException {
		install("counted", AFTER, UPDATE);
		Write write = this.schema.write("UPDATE " + items() + " SET item_description = 'z' WHERE false");
		assertOne(write, "counted", change(UPDATE).count(0L));
	}

	@Test
	void severalStatementsInOneTransactionEachNotify() throws SQLException {
		install("counted", AFTER, DELETE);
		Write write = this.schema.write("DELETE FROM " + items() + " WHERE item_no = 1",
				"DELETE FROM " + items() + " WHERE item_no = 1", "DELETE FROM " + items());
		List<Notification> received = this.notifications.received();
		assertThat(received).hasSize(3);
		int[] counts = { 1, 0, 2 };
		for (int i = 0; i < 3; i++) {
			assertPayload(received.get(i), "counted", write, change(DELETE).seq(i + 1).count((long) counts[i]));
		}
	}

	@Test
	void beforeStatementTriggerHasNoCount() throws SQLException {
		install("uncounted", BEFORE, INSERT);
		Write write = this.schema.write("INSERT INTO " + items() + " VALUES (4, 'd')");
		assertOne(write, "uncounted", change(INSERT));
		assertThat(this.schema.queryStrings("SELECT count(*) FROM " + items())).containsExactly("4");
	}

	@Test
	void triggerOnSeveralEventsHasNoCount() throws SQLException {
		install("uncounted", AFTER, INSERT, UPDATE, DELETE);
		Write write = this.schema.write("UPDATE " + items() + " SET item_description = 'z'");
		assertOne(write, "uncounted", change(UPDATE));
	}

	@Test
	void updateOfTriggerHasNoCount() throws SQLException {
		this.schema.install(new TriggerDefinition(this.schema.name(), "items", "uncounted", "uncounted_fn",
				"uncounted", List.of(), false, STATEMENT, List.of(UPDATE), List.of("item_description"), AFTER));
		this.schema.write("UPDATE " + items() + " SET item_no = item_no");
		Write write = this.schema.write("UPDATE " + items() + " SET item_description = 'z'");
		// a statement-level update-of trigger fires only for statements that set the column
		assertOne(write, "uncounted", change(UPDATE));
	}

	@Test
	void truncateNotifiesWithoutCount() throws SQLException {
		install("uncounted", AFTER, INSERT, TRUNCATE);
		Write write = this.schema.write("TRUNCATE " + items());
		assertOne(write, "uncounted", change(TRUNCATE));
	}

	@Test
	void truncateOnlyTrigger() throws SQLException {
		install("uncounted", BEFORE, TRUNCATE);
		this.schema.write("DELETE FROM " + items() + " WHERE item_no = 1");
		Write write = this.schema.write("TRUNCATE " + items());
		assertOne(write, "uncounted", change(TRUNCATE));
		assertThat(this.schema.queryStrings("SELECT count(*) FROM " + items())).containsExactly("0");
	}

	private void install(String trigger, TriggerTiming timing, PigeonAction... events) throws SQLException {
		this.schema.install(this.schema.definition("items", trigger, trigger, STATEMENT, timing, List.of(events)));
	}

	private void assertOne(Write write, String channel, ChangePayloadWriter expected) throws SQLException {
		List<Notification> received = this.notifications.received();
		assertThat(received).hasSize(1);
		assertPayload(received.get(0), channel, write, expected);
	}

	private ChangePayloadWriter change(PigeonAction action) {
		return ChangePayloadWriter.change(action, this.schema.name(), "items");
	}

	private String items() {
		return this.schema.qualified("items");
	}

}
