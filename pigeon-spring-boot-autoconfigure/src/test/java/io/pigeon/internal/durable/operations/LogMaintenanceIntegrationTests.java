package io.pigeon.internal.durable.operations;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.pigeon.internal.durable.DurableLogSql;
import io.pigeon.internal.durable.LogEvent;
import io.pigeon.internal.durable.LogPosition;
import io.pigeon.internal.durable.LogReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link LogMaintenance} against PostgreSQL: rotation and truncation drop only events older
 * than the retention that every live subscription processed, never a late transaction's, and
 * stale subscriptions stop holding events back.
 */
@ExtendWith(OutputCaptureExtension.class)
class LogMaintenanceIntegrationTests {

	private static final Duration RETENTION = Duration.ofMillis(600);

	private final DurableLogFixture log = new DurableLogFixture();

	private final LogReader reader = new LogReader(this.log.jdbc, this.log.sql);

	private final LogMaintenance maintenance = new LogMaintenance(this.log.dataSource, () -> this.log.sql, RETENTION,
			Duration.ofHours(1));

	@AfterEach
	void dropLog() {
		this.log.close();
	}

	@Test
	void rotationAndTruncationKeepUnprocessedEventsAndDropProcessedOnes() throws SQLException {
		this.log.subscribe("fast", "c", this.reader.end(), "instance-1");
		this.log.subscribe("slow", "c", this.reader.end(), "instance-1");
		this.log.logCommitted("c", "e1");
		this.log.logCommitted("c", "e2");
		this.log.store("fast", readAll("fast").position());
		rotate();
		this.log.logCommitted("c", "e3");
		awaitRetentionOfClosedSlot(0);
		// "slow" has not processed slot 0: it stays
		assertThat(this.maintenance.runOnce().truncated()).isEmpty();
		assertThat(this.log.eventsInSlot(0)).isEqualTo(2);
		Read slow = readAll("slow");
		assertThat(slow.payloads()).containsExactly("e1", "e2", "e3");
		this.log.store("slow", slow.position());
		await().atMost(Duration.ofSeconds(20)).until(() -> {
			this.log.store("slow", readAll("slow").position());
			this.log.store("fast", readAll("fast").position());
			return this.maintenance.runOnce().truncated().contains(0);
		});
		assertThat(this.log.eventsInSlot(0)).isZero();
		assertThat(this.log.jdbc.queryForList("SELECT slot, channel, events FROM "
				+ this.log.sql.qualified(DurableLogSql.LOG_TRUNCATION) + " WHERE slot = 0"))
			.containsExactly(Map.of("slot", 0, "channel", "c", "events", 2L));
		// nothing processed was lost for anyone, and the log goes on
		this.log.logCommitted("c", "e4");
		assertThat(readAll("fast").payloads()).containsExactly("e4");
		assertThat(readAll("slow").payloads()).containsExactly("e4");
	}

	@Test
	void transactionThatWroteTheOldSlotBeforeTheRotationIsNeverLost() throws SQLException {
		this.log.subscribe("s", "c", this.reader.end(), "instance-1");
		try (Connection late = this.log.database.connect()) {
			late.setAutoCommit(false);
			this.log.log(late, "c", "late", 0);
			this.log.logCommitted("c", "early");
			Read first = readAll("s");
			assertThat(first.payloads()).containsExactly("early");
			this.log.store("s", first.position());
			rotate();
			awaitRetentionOfClosedSlot(0);
			// the subscription has not seen "late", and the late writer holds the slot
			assertThat(this.maintenance.runOnce().truncated()).isEmpty();
			late.commit();
		}
		assertThat(this.maintenance.runOnce().truncated()).isEmpty();
		Read second = readAll("s");
		assertThat(second.payloads()).containsExactly("late");
		this.log.store("s", second.position());
		await().atMost(Duration.ofSeconds(20)).until(() -> {
			this.log.store("s", readAll("s").position());
			return this.maintenance.runOnce().truncated().contains(0);
		});
	}

	@Test
	void repeatableReadWriterThatSawTheOldSlotAfterItsClosingIsNeverLost() throws SQLException {
		this.log.subscribe("s", "c", this.reader.end(), "instance-1");
		try (Connection late = this.log.database.connect()) {
			late.setAutoCommit(false);
			try (Statement statement = late.createStatement()) {
				statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
				// its snapshot, taken now, sees slot 0 as current for the whole transaction
				statement.execute("SELECT 1");
			}
			rotate();
			// its txid is allocated after closed_xmax was recorded, its event goes to slot 0
			this.log.log(late, "c", "late", 0);
			// A later transaction completes, so that the late one is in the next snapshot's in-progress list:
			// a snapshot's xmax is one past the newest COMPLETED txid, so the newest running transaction is in no
			// list, and LogReader's "ids above L" then misses its event (see the report: not this test's subject).
			this.log.logCommitted("other", "x");
			Read empty = readAll("s");
			assertThat(empty.payloads()).isEmpty();
			this.log.store("s", empty.position());
			late.commit();
		}
		assertThat(this.log.eventsInSlot(0)).isEqualTo(1);
		awaitRetentionOfClosedSlot(0);
		assertThat(this.maintenance.runOnce().truncated()).isEmpty();
		assertThat(readAll("s").payloads()).containsExactly("late");
	}

	@Test
	void staleSubscriptionIsReportedOnceAndNoLongerHoldsEventsBack(CapturedOutput output) throws SQLException {
		this.log.subscribe("live", "c", this.reader.end(), "instance-1");
		this.log.subscribe("gone", "c", LogPosition.beginning(), "instance-2");
		this.log.jdbc.update("UPDATE " + this.log.sql.qualified(DurableLogSql.SUBSCRIPTION_LEASE)
				+ " SET holder = NULL, lease_until = NULL, last_held = clock_timestamp() - interval '2 hours'"
				+ " WHERE subscription = 'gone'");
		this.log.logCommitted("c", "e1");
		this.log.store("live", readAll("live").position());
		LogMaintenance.Round round = this.maintenance.runOnce();
		assertThat(round.stale()).containsExactly("gone");
		assertThat(output).containsOnlyOnce("durable subscription 'gone' (lane 0) has not been held");
		assertThat(this.maintenance.runOnce().stale()).isEmpty();
		await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
			// a live subscription moves its position on every read, with or without events
			this.log.store("live", readAll("live").position());
			return this.maintenance.runOnce().truncated().contains(0);
		});
		assertThat(this.log.jdbc.queryForMap(this.log.sql.missedEvents(), "c", this.log.position("gone").snapshot()))
			.containsEntry("events", new java.math.BigDecimal(1));
		assertThat(output).containsOnlyOnce("durable subscription 'gone'");
	}

	private void rotate() throws SQLException {
		int before = this.log.currentSlot();
		await().atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> !this.maintenance.runOnce().rotatedTo().isEmpty());
		assertThat(this.log.currentSlot()).isEqualTo((before + 1) % DurableLogSql.SLOTS);
		Map<String, Object> closed = slotState(before);
		assertThat(closed.get("closed_at")).isNotNull();
		assertThat(closed.get("closed_xmax")).isNotNull();
	}

	private void awaitRetentionOfClosedSlot(int slot) {
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> Boolean.TRUE
			.equals(this.log.jdbc.queryForObject("SELECT closed_at <= clock_timestamp() - ? * interval '1 millisecond' FROM "
					+ this.log.sql.qualified(DurableLogSql.LOG_SLOT) + " WHERE slot = ?", Boolean.class,
					RETENTION.toMillis(), slot)));
	}

	private Map<String, Object> slotState(int slot) {
		return this.log.jdbc.queryForMap("SELECT current, closed_at, closed_xmax::text AS closed_xmax FROM "
				+ this.log.sql.qualified(DurableLogSql.LOG_SLOT) + " WHERE slot = ?", slot);
	}

	private Read readAll(String subscription) {
		LogPosition position = this.log.position(subscription);
		List<String> payloads = new ArrayList<>();
		LogReader.Page page;
		do {
			page = this.reader.read("c", position, 100);
			page.events().stream().map(LogEvent::payload).forEach(payloads::add);
			position = page.after();
		}
		while (position.inBatch() || !page.events().isEmpty());
		return new Read(payloads, position);
	}

	private record Read(List<String> payloads, LogPosition position) {

	}

}
