package io.pigeon.internal.durable;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.pigeon.test.DurableLogWriter;
import io.pigeon.test.PigeonTestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link LogReader} against PostgreSQL: the snapshot batches never skip a transaction that
 * writes first and commits last, page in id order, and skip rolled-back writes.
 */
class LogReaderIntegrationTests {

	private final PigeonTestDatabase database = PigeonTestDatabase.get();

	private final String schema = PigeonTestDatabase.uniqueName("pigeon_log_reader");

	private JdbcTemplate jdbc;

	private DurableLogSql sql;

	private LogReader reader;

	@BeforeEach
	void createLog() {
		this.jdbc = new JdbcTemplate(new DriverManagerDataSource(this.database.getJdbcUrl(),
				this.database.getUsername(), this.database.getPassword()));
		this.jdbc.execute("CREATE SCHEMA " + this.schema);
		this.sql = new DurableLogSql(this.schema);
		this.jdbc.execute(this.sql.createObjects());
		this.reader = new LogReader(this.jdbc, this.sql);
	}

	@AfterEach
	void dropLog() {
		this.jdbc.execute("DROP SCHEMA " + this.schema + " CASCADE");
	}

	@Test
	void transactionThatWritesFirstAndCommitsLastIsDelivered() throws SQLException {
		LogPosition position = this.reader.end();
		try (Connection a = this.database.connect()) {
			a.setAutoCommit(false);
			log(a, "c", "a1");
			logCommitted("c", "b1");
			logCommitted("c", "c1");
			LogReader.Page first = this.reader.read("c", position, 100);
			assertThat(payloads(first)).containsExactly("b1", "c1");
			position = first.after();
			a.commit();
		}
		LogReader.Page second = this.reader.read("c", position, 100);
		assertThat(payloads(second)).containsExactly("a1");
		assertThat(payloads(this.reader.read("c", second.after(), 100))).isEmpty();
	}

	/**
	 * A snapshot's xmax is one past the newest completed transaction: without the reader's own
	 * committed transaction id between L and S, the newest running transaction is neither in
	 * S's in-progress list nor below its xmax, and its event, whose id is below L, would be
	 * skipped for good.
	 */
	@Test
	void newestRunningTransactionIsDeliveredWhenNothingCommitsAfterIt() throws SQLException {
		try (Connection late = this.database.connect()) {
			late.setAutoCommit(false);
			log(late, "c", "late");
			LogPosition position = this.reader.end();
			LogReader.Page empty = this.reader.read("c", position, 100);
			assertThat(empty.events()).isEmpty();
			late.commit();
			assertThat(payloads(this.reader.read("c", empty.after(), 100))).containsExactly("late");
		}
	}

	@Test
	void batchesArePagedInIdOrderAndRolledBackWritesAreSkipped() throws SQLException {
		LogPosition position = this.reader.end();
		try (Connection connection = this.database.connect()) {
			connection.setAutoCommit(false);
			for (int i = 0; i < 10; i++) {
				log(connection, "c", "e" + i);
			}
			log(connection, "other", "x");
			connection.commit();
			log(connection, "c", "rolled back");
			connection.rollback();
		}
		List<String> seen = new ArrayList<>();
		List<Integer> sizes = new ArrayList<>();
		LogReader.Page page;
		do {
			page = this.reader.read("c", position, 3);
			seen.addAll(payloads(page));
			sizes.add(page.events().size());
			position = page.after();
		}
		while (page.after().inBatch());
		assertThat(seen).containsExactly("e0", "e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8", "e9");
		assertThat(sizes).containsExactly(3, 3, 3, 1);
	}

	@Test
	void positionResumesAnOpenBatchAtItsLastId() throws SQLException {
		LogPosition position = this.reader.end();
		try (Connection connection = this.database.connect()) {
			connection.setAutoCommit(false);
			for (int i = 0; i < 4; i++) {
				log(connection, "c", "e" + i);
			}
			connection.commit();
		}
		LogReader.Page page = this.reader.read("c", position, 4);
		// processed only the first two when the instance died
		LogPosition stored = page.afterEvent(1);
		logCommitted("c", "later");
		assertThat(payloads(this.reader.read("c", stored, 10))).containsExactly("e2", "e3");
	}

	/**
	 * A transaction that has its txid and its event id when the reader takes its snapshot can
	 * be neither in-progress in it nor below its xmax (PostgreSQL 14 and later take xmax from
	 * the latest completed transaction): read while a writer commits one event after another,
	 * no event may be skipped.
	 */
	@Test
	void eventsCommittedWhileReadingAreNeverSkipped() throws Exception {
		DurableLogWriter writer = new DurableLogWriter(this.database, this.sql);
		LogPosition position = this.reader.end();
		int count = 100;
		CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
			try {
				for (int i = 0; i < count; i++) {
					writer.write("c", "{\"n\":" + i + "}");
				}
			}
			catch (SQLException ex) {
				throw new IllegalStateException(ex);
			}
		});
		List<Long> seen = new ArrayList<>();
		boolean finished;
		LogReader.Page page;
		do {
			finished = writing.isDone();
			page = this.reader.read("c", position, 10);
			page.events().forEach((event) -> seen.add(event.id()));
			position = page.after();
		}
		while (!finished || !page.events().isEmpty());
		writing.join();
		assertThat(seen).hasSize(count).doesNotHaveDuplicates();
	}

	private void logCommitted(String channel, String payload) throws SQLException {
		try (Connection connection = this.database.connect()) {
			log(connection, channel, payload);
		}
	}

	private void log(Connection connection, String channel, String payload) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			// as durable triggers do: the transaction's id first, then the event's
			statement.execute("SELECT pg_current_xact_id()");
			statement.execute("INSERT INTO " + this.sql.qualified(DurableLogSql.LOG)
					+ " (slot, id, txid, channel, created_at, payload) VALUES (0, nextval('" + this.schema + "."
					+ DurableLogSql.EVENT_ID_SEQUENCE + "'), pg_current_xact_id(), '" + channel
					+ "', clock_timestamp(), '" + payload + "')");
		}
	}

	private static List<String> payloads(LogReader.Page page) {
		return page.events().stream().map(LogEvent::payload).toList();
	}

}
