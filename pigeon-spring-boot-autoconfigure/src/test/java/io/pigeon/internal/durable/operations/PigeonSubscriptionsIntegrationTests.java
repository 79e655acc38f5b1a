package io.pigeon.internal.durable.operations;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pigeon.PigeonSubscriptions.DeadLetter;
import io.pigeon.PigeonSubscriptions.Subscription;
import io.pigeon.autoconfigure.PigeonDurableMetrics;
import io.pigeon.autoconfigure.PigeonEndpoint;
import io.pigeon.autoconfigure.PigeonHealthIndicator;
import io.pigeon.internal.durable.DurableLogSql;
import io.pigeon.internal.durable.LogEvent;
import io.pigeon.internal.durable.LogPosition;
import io.pigeon.internal.durable.LogReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * {@link JdbcPigeonSubscriptions}, the {@code pigeon} endpoint, the durable gauges and health
 * against PostgreSQL: exact backlog and lag, replay from an instant, redrive and discard.
 */
class PigeonSubscriptionsIntegrationTests {

	private final DurableLogFixture log = new DurableLogFixture();

	private final LogReader reader = new LogReader(this.log.jdbc, this.log.sql);

	private final JdbcPigeonSubscriptions subscriptions = new JdbcPigeonSubscriptions(this.log.dataSource,
			() -> this.log.sql);

	@AfterEach
	void dropLog() {
		this.log.close();
	}

	@Test
	void backlogAndLagFollowThePositionAndItsOpenBatch() throws SQLException {
		this.log.subscribe("s", "c", this.reader.end(), "instance-1");
		this.log.logCommitted("c", "e1", 90);
		this.log.logCommitted("c", "e2", 60);
		this.log.logCommitted("other", "x", 120);
		try (Connection open = this.log.database.connect()) {
			open.setAutoCommit(false);
			this.log.log(open, "c", "in progress", 30);
			this.log.logCommitted("c", "e3", 10);
			Subscription subscription = only();
			assertThat(subscription.backlog()).isEqualTo(3);
			assertThat(subscription.lag().toMillis() / 1000.0).isCloseTo(90, within(5.0));
			assertThat(subscription.holder()).isEqualTo("instance-1");
			assertThat(subscription.channel()).isEqualTo("c");
			// e1 processed in an open batch
			LogReader.Page page = this.reader.read("c", this.log.position("s"), 2);
			this.log.store("s", page.afterEvent(0));
			assertThat(only().backlog()).isEqualTo(2);
			assertThat(only().lag().toMillis() / 1000.0).isCloseTo(60, within(5.0));
			open.commit();
		}
		assertThat(only().backlog()).isEqualTo(3);
		this.log.store("s", readAll("s"));
		assertThat(only().backlog()).isZero();
		assertThat(only().lag()).isEqualTo(Duration.ZERO);
	}

	@Test
	void seekRedeliversFromTheInstant() throws SQLException {
		this.log.subscribe("s", "c", this.reader.end(), "instance-1");
		this.log.logCommitted("c", "e1", 60);
		this.log.logCommitted("c", "e2", 30);
		this.log.logCommitted("c", "e3", 0);
		this.log.store("s", readAll("s"));
		long generation = this.log.generation("s");
		Instant now = this.log.jdbc.queryForObject("SELECT clock_timestamp()", Instant.class);
		this.subscriptions.seek("s", now.minusSeconds(45));
		assertThat(this.log.generation("s")).isEqualTo(generation + 1);
		// earlier events may come again too, never fewer
		assertThat(payloads("s")).endsWith("e2", "e3").doesNotContain("e1");
		this.subscriptions.seek("s", now.plusSeconds(60));
		assertThat(payloads("s")).isEmpty();
		assertThatIllegalArgumentException().isThrownBy(() -> this.subscriptions.seek("unknown", now))
			.withMessageContaining("no durable subscription 'unknown'");
		this.log.jdbc.update("INSERT INTO " + this.log.sql.qualified(DurableLogSql.LOG_TRUNCATION)
				+ " (slot, channel, events, max_created_at, closed_xmax) VALUES (0, 'c', 1, ?, '1')",
				java.sql.Timestamp.from(now.minusSeconds(50)));
		assertThatIllegalArgumentException().isThrownBy(() -> this.subscriptions.seek("s", now.minusSeconds(55)))
			.withMessageContaining("already removed from the log");
	}

	@Test
	void redriveAndDiscardDeadLettersThroughTheBeanAndTheEndpoint() {
		this.log.subscribe("s", "c", this.reader.end(), "instance-1");
		long first = deadLetter("s", 1);
		long second = deadLetter("s", 2);
		assertThat(this.subscriptions.deadLetters("s")).extracting(DeadLetter::eventId).containsExactly(1L, 2L);
		assertThat(only().deadLetters()).isEqualTo(2);
		assertThat(this.subscriptions.redrive(first)).isTrue();
		assertThat(this.subscriptions.deadLetters("s").get(0).redriveRequestedAt()).isNotNull();
		assertThat(this.subscriptions.deadLetters("s").get(1).redriveRequestedAt()).isNull();
		PigeonEndpoint endpoint = new PigeonEndpoint(this.subscriptions);
		assertThat(endpoint.write("s", "redrive", null, null)).containsEntry("redriven", 2);
		assertThat(endpoint.subscriptions().subscriptions()).extracting(Subscription::id).containsExactly("s");
		assertThat(endpoint.subscription("s").deadLetters()).hasSize(2);
		assertThat(endpoint.subscription("unknown")).isNull();
		assertThat(endpoint.discard("s", second)).containsEntry("discarded", 1);
		assertThatThrownBy(() -> endpoint.discard("s", second)).isInstanceOf(InvalidEndpointRequestException.class);
		assertThat(this.subscriptions.discard(first)).isTrue();
		assertThat(this.subscriptions.deadLetters("s")).isEmpty();
		assertThatThrownBy(() -> endpoint.write("s", "seek", null, "yesterday"))
			.isInstanceOf(InvalidEndpointRequestException.class)
			.hasMessageContaining("ISO-8601");
		assertThat(endpoint.write("s", "seek", null, "2020-01-01T00:00:00Z")).containsEntry("subscription", "s");
		assertThatThrownBy(() -> endpoint.write("s", "rewind", null, null))
			.isInstanceOf(InvalidEndpointRequestException.class);
	}

	@Test
	void gaugesAndHealthReadTheSampledStatus() throws SQLException {
		this.log.subscribe("s", "c", this.reader.end(), "instance-1");
		this.log.logCommitted("c", "e1", 20);
		this.log.logCommitted("c", "e2", 0);
		DurableStatus status = new DurableStatus(this.subscriptions, Duration.ofSeconds(1));
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		new PigeonDurableMetrics(registry, status);
		assertThat(registry.get("pigeon.durable.log.size").gauge().value()).isNaN();
		status.refresh();
		assertThat(registry.get("pigeon.durable.backlog").tags("subscription", "s", "channel", "c").gauge().value())
			.isEqualTo(2);
		assertThat(registry.get("pigeon.durable.lag").tags("subscription", "s", "channel", "c").gauge().value())
			.isCloseTo(20, within(5.0));
		assertThat(registry.get("pigeon.durable.subscriptions.stale").gauge().value()).isZero();
		assertThat(registry.get("pigeon.durable.log.size").gauge().value()).isPositive();
		PigeonHealthIndicator health = new PigeonHealthIndicator(null);
		health.setDurableStatus(status);
		Health up = health.health();
		assertThat(up.getStatus()).isEqualTo(Status.UP);
		assertThat(up.getDetails().get("durable")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
			.extractingByKey("subscriptions")
			.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
			.extractingByKey("s")
			.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
			.containsEntry("channel", "c")
			.containsEntry("holder", "instance-1")
			.containsEntry("backlog", 2L)
			.containsEntry("stale", false)
			.containsKey("lag");
	}

	@Test
	void healthIsDownWhilePigeonCannotReachItsDatabase() {
		DriverManagerDataSource closedPort = new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:1/none?connectTimeout=2",
				"postgres", "postgres");
		DurableStatus status = new DurableStatus(new JdbcPigeonSubscriptions(closedPort, () -> this.log.sql),
				Duration.ofSeconds(1));
		status.refresh();
		PigeonHealthIndicator health = new PigeonHealthIndicator(null);
		health.setDurableStatus(status);
		Health down = health.health();
		assertThat(down.getStatus()).isEqualTo(Status.DOWN);
		assertThat(down.getDetails().get("durable").toString()).contains("error");
	}

	private Subscription only() {
		List<Subscription> all = this.subscriptions.subscriptions();
		assertThat(all).hasSize(1);
		return all.get(0);
	}

	private long deadLetter(String subscription, long eventId) {
		Long id = this.log.jdbc.queryForObject("INSERT INTO " + this.log.sql.qualified(DurableLogSql.DEAD_LETTER)
				+ " (subscription, event_id, channel, payload, exception_class, exception_message, stack_trace, attempts,"
				+ " first_attempt_at, last_attempt_at) VALUES (?, ?, 'c', '{}', 'java.lang.IllegalStateException',"
				+ " 'boom', 'at Listener.on', 3, clock_timestamp(), clock_timestamp()) RETURNING id", Long.class,
				subscription, eventId);
		return (id != null) ? id : -1;
	}

	private LogPosition readAll(String subscription) {
		LogPosition position = this.log.position(subscription);
		LogReader.Page page;
		do {
			page = this.reader.read("c", position, 100);
			position = page.after();
		}
		while (position.inBatch() || !page.events().isEmpty());
		return position;
	}

	private List<String> payloads(String subscription) {
		LogPosition position = this.log.position(subscription);
		List<String> payloads = new java.util.ArrayList<>();
		LogReader.Page page;
		do {
			page = this.reader.read("c", position, 100);
			page.events().stream().map(LogEvent::payload).forEach(payloads::add);
			position = page.after();
		}
		while (position.inBatch() || !page.events().isEmpty());
		return payloads;
	}

}
