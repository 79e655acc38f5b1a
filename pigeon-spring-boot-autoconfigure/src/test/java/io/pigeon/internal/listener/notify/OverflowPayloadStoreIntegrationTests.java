package io.pigeon.internal.listener.notify;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

import io.pigeon.internal.listener.notify.OverflowPayloadStore.OverflowPayloadMissingException;
import io.pigeon.PigeonAction;
import io.pigeon.internal.listener.NotificationParser.StoredPayload;
import io.pigeon.internal.payload.ChangePayloadWriter;
import io.pigeon.internal.payload.PayloadContract;
import io.pigeon.internal.sql.SqlIdentifiers;
import io.pigeon.internal.sql.TriggerSqlGenerator;
import io.pigeon.test.PigeonTestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.Driver;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link OverflowPayloadStore} against the overflow table as Pigeon's installer creates it:
 * payloads are read by id, and deleted once older than the retention, not when read.
 */
class OverflowPayloadStoreIntegrationTests {

	private final String schema = PigeonTestDatabase.uniqueName("pigeon_overflow_store");

	private JdbcTemplate jdbc;

	private String table;

	@BeforeEach
	void createOverflowTable() {
		PigeonTestDatabase database = PigeonTestDatabase.get();
		this.jdbc = new JdbcTemplate(new SimpleDriverDataSource(new Driver(), database.getJdbcUrl(),
				database.getUsername(), database.getPassword()));
		this.jdbc.execute("CREATE SCHEMA " + SqlIdentifiers.quote(this.schema));
		this.jdbc.execute(new TriggerSqlGenerator(this.schema).createSupportObjects());
		this.table = SqlIdentifiers.quote(this.schema) + "." + SqlIdentifiers.quote(TriggerSqlGenerator.OVERFLOW_TABLE);
	}

	@AfterEach
	void dropSchema() {
		this.jdbc.execute("DROP SCHEMA " + SqlIdentifiers.quote(this.schema) + " CASCADE");
	}

	@Test
	void payloadsOlderThanTheRetentionAreDeletedAndOthersStayReadable() {
		long expired = store("{\"n\":1}");
		long fresh = store("{\"n\":2}");
		this.jdbc.update("UPDATE " + this.table + " SET first_seen = clock_timestamp() - interval '61 minutes'"
				+ " WHERE id = ?", expired);
		OverflowPayloadStore store = new OverflowPayloadStore(this.jdbc, this.schema);
		assertThat(store.load(expired)).isEqualTo(new StoredPayload("items", "{\"n\":1}"));
		assertThat(store.load(fresh)).isEqualTo(new StoredPayload("items", "{\"n\":2}"));
		assertThat(store.deleteExpired(Duration.ofHours(1))).isEqualTo(1);
		assertThat(store.load(fresh)).as("reading does not delete").isEqualTo(new StoredPayload("items", "{\"n\":2}"));
		assertThatExceptionOfType(OverflowPayloadMissingException.class).isThrownBy(() -> store.load(expired))
			.withMessageContaining("pigeon.listener.overflow-retention");
		assertThat(store.deleteExpired(Duration.ofHours(1))).isZero();
	}

	@Test
	void retentionCountsFromWhenThePayloadWasFirstSeenCommitted() throws Exception {
		OverflowPayloadStore store = new OverflowPayloadStore(this.jdbc, this.schema);
		PigeonTestDatabase database = PigeonTestDatabase.get();
		// A transaction held open past the retention: its row is older than the retention when it commits.
		try (Connection writer = DriverManager.getConnection(database.getJdbcUrl(), database.getUsername(),
				database.getPassword())) {
			writer.setAutoCommit(false);
			long late;
			try (Statement statement = writer.createStatement();
					ResultSet id = statement.executeQuery("INSERT INTO " + this.table
							+ " (channel, payload) VALUES ('items', '{\"late\":1}') RETURNING id")) {
				id.next();
				late = id.getLong(1);
				statement.execute("UPDATE " + this.table + " SET created_at = clock_timestamp() - interval '2 hours'");
			}
			assertThat(store.deleteExpired(Duration.ofHours(1))).as("not committed yet: not seen").isZero();
			writer.commit();
			// A backlog nobody cleaned up for longer than the retention.
			long backlog = store("{\"backlog\":1}");
			this.jdbc.update("UPDATE " + this.table + " SET created_at = clock_timestamp() - interval '1 day'"
					+ " WHERE id = ?", backlog);
			assertThat(store.deleteExpired(Duration.ofHours(1))).isZero();
			assertThat(store.load(late).payload()).isEqualTo("{\"late\":1}");
			assertThat(store.load(backlog).payload()).isEqualTo("{\"backlog\":1}");
			assertThat(this.jdbc.queryForObject("SELECT count(*) FROM " + this.table
					+ " WHERE first_seen > clock_timestamp() - interval '1 minute'", Long.class)).isEqualTo(2);
		}
	}

	@Test
	void withoutTheOverflowTableNothingIsDeleted() {
		String other = PigeonTestDatabase.uniqueName("pigeon_no_overflow");
		this.jdbc.execute("CREATE SCHEMA " + SqlIdentifiers.quote(other));
		try {
			assertThat(new OverflowPayloadStore(this.jdbc, other).deleteExpired(Duration.ofSeconds(1))).isZero();
		}
		finally {
			this.jdbc.execute("DROP SCHEMA " + SqlIdentifiers.quote(other));
		}
	}

	@Test
	void theStoreFunctionAcceptsOnlyWhatATriggerStoresForItsOwnTransaction() {
		String function = SqlIdentifiers.quote(this.schema) + "."
				+ SqlIdentifiers.quote(TriggerSqlGenerator.OVERFLOW_STORE_FUNCTION);
		String large = "x".repeat(PayloadContract.NOTIFY_PAYLOAD_LIMIT);
		assertThatExceptionOfType(DataAccessException.class)
			.isThrownBy(() -> this.jdbc.queryForObject("SELECT " + function + "('items', ?)", Long.class,
					ChangePayloadWriter.change(PigeonAction.INSERT, "public", "items").data("\"" + large + "\"")
						.write()))
			.withMessageContaining("called by Pigeon trigger functions only");
		// A role's own trigger can call it, but only for a change of its own transaction.
		String probe = SqlIdentifiers.quote(this.schema) + ".probe";
		this.jdbc.execute("CREATE TABLE " + probe + " (payload text)");
		this.jdbc.execute("CREATE FUNCTION " + probe + "_fn() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
				+ "PERFORM " + function + "('items', NEW.payload); RETURN NEW; END $$");
		this.jdbc.execute("CREATE TRIGGER probe BEFORE INSERT ON " + probe + " FOR EACH ROW EXECUTE FUNCTION " + probe
				+ "_fn()");
		String insert = "INSERT INTO " + probe + " VALUES (?)";
		assertThatExceptionOfType(DataAccessException.class)
			.isThrownBy(() -> this.jdbc.update(insert,
					ChangePayloadWriter.change(PigeonAction.INSERT, "public", "items").txid(1).data("\"" + large + "\"")
						.write()))
			.withMessageContaining("only a change of the calling transaction");
		assertThatExceptionOfType(DataAccessException.class)
			.isThrownBy(() -> this.jdbc.update(insert, "{\"n\":1}"))
			.withMessageContaining("too large to notify");
		assertThatExceptionOfType(DataAccessException.class).isThrownBy(() -> this.jdbc.update(insert, large))
			.withMessageContaining("invalid input syntax for type json");
		assertThat(this.jdbc.queryForObject("SELECT count(*) FROM " + this.table, Long.class)).isZero();
	}

	private long store(String payload) {
		Long id = this.jdbc.queryForObject("INSERT INTO " + this.table + " (channel, payload) VALUES ('items', ?) "
				+ "RETURNING id", Long.class, payload);
		assertThat(id).isNotNull();
		return id;
	}

}
