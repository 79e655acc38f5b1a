package io.pigeon.autoconfigure;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.pigeon.PigeonListenerReconnectedEvent;
import io.pigeon.internal.listener.ListenerStatus;
import io.pigeon.internal.listener.PigeonListenerEndpointRegistry;
import io.pigeon.test.FreezableTcpProxy;
import io.pigeon.test.PigeonTestDatabase;
import io.pigeon.test.TestNotifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The listener survives the faults of a real network: a terminated backend and a peer that stops
 * answering are both followed by automatic recovery, one warning and one information line, a
 * {@link PigeonListenerReconnectedEvent}, and delivery of the changes made after recovery.
 */
@ExtendWith(OutputCaptureExtension.class)
class PigeonListenerReconnectIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final String[] FAST_FAULT_DETECTION = { "pigeon.listener.validation-interval=300ms",
			"pigeon.listener.validation-timeout=1s", "pigeon.listener.reconnect.initial-backoff=50ms",
			"pigeon.listener.reconnect.max-backoff=500ms" };

	private static final String LOST = "is lost or cannot be established";

	private static final String BACK = "connection is back after an outage";

	@Test
	void terminatedBackendIsReplacedAndLaterChangesAreDelivered(CapturedOutput output) throws Exception {
		try (ConfigurableApplicationContext context = ListenerTestApplication.run(RecordingListenerApplication.class,
				FAST_FAULT_DETECTION); TestNotifier notifier = new TestNotifier(PigeonTestDatabase.get())) {
			PigeonListenerEndpointRegistry registry = context.getBean(PigeonListenerEndpointRegistry.class);
			Recorder recorder = context.getBean(Recorder.class);
			ReconnectEvents reconnects = context.getBean(ReconnectEvents.class);
			int backendPid = registry.getStatus().getBackendPid();
			assertThat(backendPid).isPositive();
			terminate(backendPid);
			await().atMost(TIMEOUT).until(reconnects::count, (count) -> count == 1);
			PigeonListenerReconnectedEvent event = reconnects.events.get(0);
			assertThat(event.getOutageStart()).isBeforeOrEqualTo(event.getOutageEnd());
			assertThat(registry.getStatus().getState()).isEqualTo(ListenerStatus.State.LISTENING);
			assertThat(registry.getStatus().getBackendPid()).isPositive().isNotEqualTo(backendPid);
			notifier.send(RecordingListenerApplication.CHANNEL, "after recovery");
			await().atMost(TIMEOUT).until(() -> recorder.count(RecordingListenerApplication.CHANNEL) == 1);
			assertThat(recorder.get(RecordingListenerApplication.CHANNEL)).containsExactly("after recovery");
			assertThat(context.getBean(MeterRegistry.class).get("pigeon.listener.reconnects").counter().count())
				.isEqualTo(1);
			assertThat(output.getOut().split(LOST, -1)).hasSize(2);
			assertThat(output.getOut().split(BACK, -1)).hasSize(2);
		}
	}

	@Test
	void silentPeerIsFoundByTheActiveCheckAndTheListenerRecovers(CapturedOutput output) throws Exception {
		PigeonTestDatabase database = PigeonTestDatabase.get();
		try (FreezableTcpProxy proxy = FreezableTcpProxy.forJdbcUrl(database.getJdbcUrl());
				ConfigurableApplicationContext context = ListenerTestApplication.run(RecordingListenerApplication.class,
						withFastFaultDetection("pigeon.listener.url=" + proxy.proxiedUrl(database.getJdbcUrl())));
				TestNotifier notifier = new TestNotifier(database)) {
			PigeonListenerEndpointRegistry registry = context.getBean(PigeonListenerEndpointRegistry.class);
			PigeonHealthIndicator health = context.getBean(PigeonHealthIndicator.class);
			Recorder recorder = context.getBean(Recorder.class);
			ReconnectEvents reconnects = context.getBean(ReconnectEvents.class);
			assertThat(health.health().getStatus()).isEqualTo(Status.UP);
			long committedBeforeOutage = committedTxid();
			proxy.freeze();
			await().atMost(TIMEOUT).until(() -> health.health().getStatus(), Status.DOWN::equals);
			assertThat(health.health().getDetails()).containsKeys("disconnectedSince", "failedAttempts", "error");
			// Several reconnection attempts fail against the frozen peer, logged as one outage.
			await().atMost(TIMEOUT).until(() -> registry.getStatus().getFailedAttempts(), (failures) -> failures >= 2);
			proxy.unfreeze();
			await().atMost(TIMEOUT).until(reconnects::count, (count) -> count == 1);
			assertThat(health.health().getStatus()).isEqualTo(Status.UP);
			notifier.send(RecordingListenerApplication.CHANNEL, "after recovery");
			await().atMost(TIMEOUT).until(() -> recorder.count(RecordingListenerApplication.CHANNEL) == 1);
			PigeonListenerReconnectedEvent event = reconnects.events.get(0);
			// The peer fell silent at the last check that was answered; it was found lost only
			// once the next check had waited validation-timeout (1s) in vain.
			assertThat(event.getLastKnownGood()).isBefore(event.getOutageStart().minusMillis(900));
			assertThat(event.getResumedDatabaseTime()).isAfter(event.getOutageStart().minusSeconds(5))
				.isBefore(event.getOutageEnd().plusSeconds(5));
			assertThat(event.getResumedSnapshot()).matches("\\d+:\\d+:[\\d,]*");
			assertThat(visibleInResumedSnapshot(event, committedBeforeOutage))
				.as("committed before: in the tables").isTrue();
			assertThat(visibleInResumedSnapshot(event, committedTxid())).as("committed after: notified").isFalse();
			assertThat(output.getOut().split(LOST, -1)).hasSize(2);
			assertThat(output.getOut().split(BACK, -1)).hasSize(2);
		}
	}

	@Test
	void networkFrozenInTheMiddleOfANotificationIsFoundWithinTheBoundAndTheListenerRecovers(CapturedOutput output)
			throws Exception {
		PigeonTestDatabase database = PigeonTestDatabase.get();
		try (FreezableTcpProxy proxy = FreezableTcpProxy.forJdbcUrl(database.getJdbcUrl());
				ConfigurableApplicationContext context = ListenerTestApplication.run(RecordingListenerApplication.class,
						withFastFaultDetection("pigeon.listener.url=" + proxy.proxiedUrl(database.getJdbcUrl())));
				TestNotifier notifier = new TestNotifier(database)) {
			PigeonHealthIndicator health = context.getBean(PigeonHealthIndicator.class);
			Recorder recorder = context.getBean(Recorder.class);
			ReconnectEvents reconnects = context.getBean(ReconnectEvents.class);
			for (int i = 0; i < 20; i++) {
				notifier.send(RecordingListenerApplication.CHANNEL, "before " + i + " " + "x".repeat(6000));
			}
			await().atMost(TIMEOUT).until(() -> recorder.count(RecordingListenerApplication.CHANNEL) == 20);
			assertThat(health.health().getStatus()).isEqualTo(Status.UP);
			// Part of the next notification reaches the listener, the rest never does: pgjdbc then
			// waits for it without a time-out.
			proxy.freezeAfter(1000);
			long frozenAt = System.nanoTime();
			notifier.send(RecordingListenerApplication.CHANNEL, "cut " + "y".repeat(7000));
			await().atMost(TIMEOUT).until(() -> health.health().getStatus(), Status.DOWN::equals);
			Duration detection = Duration.ofNanos(System.nanoTime() - frozenAt);
			// validation-interval (300ms) + validation-timeout (1s) + a margin for the check's period and load
			assertThat(detection).isLessThan(Duration.ofMillis(300 + 1000 + 1500));
			proxy.unfreeze();
			await().atMost(TIMEOUT).until(reconnects::count, (count) -> count == 1);
			assertThat(health.health().getStatus()).isEqualTo(Status.UP);
			notifier.send(RecordingListenerApplication.CHANNEL, "after recovery " + "z".repeat(6000));
			await().atMost(TIMEOUT).until(() -> recorder.get(RecordingListenerApplication.CHANNEL)
				.stream()
				.anyMatch((payload) -> payload.toString().startsWith("after recovery ")));
			assertThat(output.getOut()).contains("went on longer than its wait plus pigeon.listener.validation-timeout");
			assertThat(output.getOut().split(LOST, -1)).hasSize(2);
			assertThat(output.getOut().split(BACK, -1)).hasSize(2);
		}
	}

	void anEventListenerThatThrowsIsLogged(CapturedOutput output) throws Exception {
		try (ConfigurableApplicationContext context = ListenerTestApplication.run(ThrowingResync.class,
				FAST_FAULT_DETECTION)) {
			PigeonListenerEndpointRegistry registry = context.getBean(PigeonListenerEndpointRegistry.class);
			ReconnectEvents reconnects = context.getBean(ReconnectEvents.class);
			terminate(registry.getStatus().getBackendPid());
			await().atMost(TIMEOUT).until(reconnects::count, (count) -> count == 1);
			await().atMost(TIMEOUT)
				.until(() -> output.getOut().contains("Pigeon failed publishing a PigeonListenerReconnectedEvent"));
			assertThat(output.getOut()).contains("resynchronisation failed");
		}
	}

	private static long committedTxid() throws Exception {
		try (Connection connection = PigeonTestDatabase.get().connect();
				PreparedStatement statement = connection.prepareStatement("SELECT txid_current()");
				ResultSet result = statement.executeQuery()) {
			result.next();
			return result.getLong(1);
		}
	}

	private static boolean visibleInResumedSnapshot(PigeonListenerReconnectedEvent event, long txid) throws Exception {
		try (Connection connection = PigeonTestDatabase.get().connect();
				PreparedStatement statement = connection
					.prepareStatement("SELECT pg_visible_in_snapshot(?::text::xid8, ?::pg_snapshot)")) {
			statement.setLong(1, txid);
			statement.setString(2, event.getResumedSnapshot());
			try (ResultSet result = statement.executeQuery()) {
				result.next();
				return result.getBoolean(1);
			}
		}
	}

	@Configuration(proxyBeanMethods = false)
	@Import(RecordingListenerApplication.class)
	static class ThrowingResync {

		@EventListener
		void resynchronise(PigeonListenerReconnectedEvent event) {
			throw new IllegalStateException("resynchronisation failed");
		}

	}

	private static String[] withFastFaultDetection(String property) {
		String[] properties = new String[FAST_FAULT_DETECTION.length + 1];
		System.arraycopy(FAST_FAULT_DETECTION, 0, properties, 0, FAST_FAULT_DETECTION.length);
		properties[FAST_FAULT_DETECTION.length] = property;
		return properties;
	}

	private static void terminate(int backendPid) throws Exception {
		try (Connection connection = PigeonTestDatabase.get().connect();
				PreparedStatement statement = connection.prepareStatement("SELECT pg_terminate_backend(?)")) {
			statement.setInt(1, backendPid);
			statement.execute();
		}
	}

}
