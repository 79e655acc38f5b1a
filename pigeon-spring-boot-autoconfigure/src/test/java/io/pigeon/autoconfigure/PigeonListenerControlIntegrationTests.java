package io.pigeon.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.MeterRegistry;
import io.pigeon.PigeonErrorHandler;
import io.pigeon.PigeonEvent;
import io.pigeon.PigeonListener;
import io.pigeon.PigeonListenerHandle;
import io.pigeon.PigeonListenerRegistry;
import io.pigeon.PigeonNotificationsDroppedEvent;
import io.pigeon.test.ChangePayloads;
import io.pigeon.test.PigeonTestDatabase;
import io.pigeon.test.TestNotifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Per-listener control against a real PostgreSQL: stopping, starting, {@code autoStartup},
 * pausing and resuming through the {@link PigeonListenerRegistry}, the hold buffer's capacity and
 * drop accounting, {@code condition} and a listener's own {@code errorHandler}. Each test has its
 * channel, with a neighbouring listener that is delivered to after the controlled one: once the
 * neighbour has a notification, the controlled listener has been offered it too, so "not
 * delivered" is checked without waiting for time to pass.
 */
class PigeonListenerControlIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final int CAPACITY = 5;

	private static ConfigurableApplicationContext context;

	private static TestNotifier notifier;

	private static Recorder recorder;

	private static PigeonListenerRegistry registry;

	@BeforeAll
	static void start() throws Exception {
		context = ListenerTestApplication.run(Config.class, "pigeon.listener.queue-capacity=" + CAPACITY,
				"test.late-start=false");
		recorder = context.getBean(Recorder.class);
		registry = context.getBean(PigeonListenerRegistry.class);
		notifier = new TestNotifier(PigeonTestDatabase.get());
	}

	@AfterAll
	static void stop() throws Exception {
		if (context != null) {
			context.close();
		}
		if (notifier != null) {
			notifier.close();
		}
	}

	@Test
	void stoppedListenerMissesWhatArrivesMeanwhileAndOthersCarryOn() throws Exception {
		PigeonListenerHandle listener = registry.getRequiredListener("stoppable");
		assertThat(listener.isRunning()).isTrue();
		listener.stop();
		assertThat(listener.isRunning()).isFalse();
		send("stop_ch", 1);
		awaitCount("stop_ch.neighbour", 1);
		assertThat(recorder.get("stop_ch.controlled")).isEmpty();
		listener.start();
		send("stop_ch", 2);
		awaitCount("stop_ch.neighbour", 2);
		assertThat(recorder.get("stop_ch.controlled")).containsExactly(2);
	}

	@Test
	void listenerWithoutAutoStartupReceivesOnceStartedWithoutANewListen() throws Exception {
		PigeonListenerHandle listener = registry.getRequiredListener("late");
		assertThat(listener.isAutoStartup()).isFalse();
		assertThat(listener.isRunning()).isFalse();
		send("late_ch", 1);
		awaitCount("late_ch.neighbour", 1);
		assertThat(recorder.get("late_ch.controlled")).isEmpty();
		listener.start();
		assertThat(listener.isRunning()).isTrue();
		send("late_ch", 2);
		awaitCount("late_ch.controlled", 1);
		assertThat(recorder.get("late_ch.controlled")).containsExactly(2);
	}

	@Test
	void pausedListenerGetsWhatWasHeldInOrderOnResumeBeforeNewerChanges() throws Exception {
		PigeonListenerHandle listener = registry.getRequiredListener("pausable");
		listener.pause();
		assertThat(listener.isPaused()).isTrue();
		assertThat(listener.isRunning()).isTrue();
		for (int n = 1; n <= 3; n++) {
			send("pause_ch", n);
		}
		awaitCount("pause_ch.neighbour", 3);
		assertThat(recorder.get("pause_ch.controlled")).isEmpty();
		listener.resume();
		// Resuming alone wakes the channel: the held changes come without a newer one.
		awaitCount("pause_ch.controlled", 3);
		send("pause_ch", 4);
		awaitCount("pause_ch.controlled", 4);
		assertThat(recorder.get("pause_ch.controlled")).containsExactly(1, 2, 3, 4);
		assertThat(recorder.get("pause_ch.neighbour")).containsExactly(1, 2, 3, 4);
	}

	@Test
	void pausedListenerHoldsUpToTheCapacityAndDropsTheRestWithTheUsualAccounting() throws Exception {
		MeterRegistry meters = context.getBean(MeterRegistry.class);
		DropEvents drops = context.getBean(DropEvents.class);
		PigeonListenerHandle listener = registry.getRequiredListener("overflowing");
		listener.pause();
		for (int n = 1; n <= CAPACITY + 3; n++) {
			// One at a time, so that only the paused listener's hold can overflow.
			send("overflow_ch", n);
			awaitCount("overflow_ch.neighbour", n);
		}
		assertThat(meters.get("pigeon.notifications.dropped").tag("channel", "overflow_ch").counter().count())
			.isEqualTo(3);
		await().atMost(TIMEOUT).until(() -> drops.total("overflow_ch"), (total) -> total == 3);
		listener.resume();
		awaitCount("overflow_ch.controlled", CAPACITY);
		send("overflow_ch", 100);
		awaitCount("overflow_ch.controlled", CAPACITY + 1);
		assertThat(recorder.get("overflow_ch.controlled")).containsExactly(1, 2, 3, 4, 5, 100);
	}

	@Test
	void stoppingAPausedListenerDiscardsWhatItHeldAndCountsItAsDropped() throws Exception {
		MeterRegistry meters = context.getBean(MeterRegistry.class);
		PigeonListenerHandle listener = registry.getRequiredListener("discarding");
		listener.pause();
		send("discard_ch", 1);
		send("discard_ch", 2);
		awaitCount("discard_ch.neighbour", 2);
		listener.stop();
		await().atMost(TIMEOUT)
			.until(() -> meters.get("pigeon.notifications.dropped").tag("channel", "discard_ch").counter().count(),
					(dropped) -> dropped == 2);
		listener.start();
		assertThat(listener.isPaused()).isTrue();
		listener.resume();
		send("discard_ch", 3);
		awaitCount("discard_ch.controlled", 1);
		assertThat(recorder.get("discard_ch.controlled")).containsExactly(3);
	}

	@Test
	void startingAListenerAfterTheApplicationStoppedIsRefused() {
		try (ConfigurableApplicationContext other = ListenerTestApplication.run(Config.class,
				"pigeon.listener.queue-capacity=" + CAPACITY, "test.late-start=true")) {
			PigeonListenerRegistry otherRegistry = other.getBean(PigeonListenerRegistry.class);
			assertThat(otherRegistry.getRequiredListener("late").isRunning()).isTrue();
			other.stop();
			PigeonListenerHandle late = otherRegistry.getRequiredListener("late");
			assertThat(late.isRunning()).isFalse();
			assertThatIllegalStateException().isThrownBy(late::start)
				.withMessage("Pigeon listener 'late' cannot start while Pigeon's listener is stopped: it starts with "
						+ "the application context");
		}
	}

	@Test
	void conditionFiltersBeforeBindingAndSeesTheChangeAsRootAndEvent() throws Exception {
		notifier.send("cond_ch", order("INSERT", 1, "PAID"));
		notifier.send("cond_ch", order("INSERT", 2, "PENDING"));
		notifier.send("cond_ch", order("UPDATE", 3, "PENDING"));
		notifier.send("cond_ch", order("UPDATE", 4, "PAID"));
		awaitCount("cond_ch.neighbour", 4);
		assertThat(recorder.get("cond_ch.paid")).containsExactly(new Order(1, "PAID"), new Order(4, "PAID"));
		assertThat(recorder.get("cond_ch.updates")).containsExactly(3, 4);
	}

	@Test
	void conditionThatFailsIsReportedToTheListenersErrorHandlerAndNothingIsDelivered() throws Exception {
		ErrorHandlers handlers = context.getBean(ErrorHandlers.class);
		notifier.send("broken_ch", order("INSERT", 1, "PAID"));
		awaitCount("broken_ch.neighbour", 1);
		assertThat(recorder.get("broken_ch.controlled")).isEmpty();
		await().atMost(TIMEOUT).until(() -> handlers.count("own:broken_ch"), (count) -> count == 1);
		assertThat(handlers.get("own:broken_ch").get(0)).isInstanceOf(IllegalStateException.class)
			.hasMessageStartingWith("The condition '#event.data.missing.length() > 0' of @PigeonListener method");
		assertThat(handlers.count("global:broken_ch")).isZero();
	}

	@Test
	void listenerWithItsOwnErrorHandlerIsReportedThereAndOthersToTheGlobalOne() throws Exception {
		ErrorHandlers handlers = context.getBean(ErrorHandlers.class);
		send("fail_ch", 1);
		await().atMost(TIMEOUT).until(() -> handlers.count("own:fail_ch") == 1 && handlers.count("global:fail_ch") == 1);
		assertThat(handlers.get("own:fail_ch").get(0)).hasMessage("own handler, please");
		assertThat(handlers.get("global:fail_ch").get(0)).hasMessage("global handler, please");
	}

	private static void send(String channel, int id) throws Exception {
		notifier.send(channel, ChangePayloads.row("INSERT", "orders", "{\"id\":" + id + "}"));
	}

	private static String order(String action, int id, String status) {
		return ChangePayloads.row(action, "orders", "{\"id\":" + id + ",\"status\":\"" + status + "\"}");
	}

	private static void awaitCount(String key, int count) {
		await().atMost(TIMEOUT).until(() -> recorder.count(key), (n) -> n >= count);
		assertThat(recorder.count(key)).isEqualTo(count);
	}

	record Order(int id, String status) {

	}

	@Configuration(proxyBeanMethods = false)
	@Import(ListenerTestApplication.class)
	static class Config {

		@Bean
		ControlledListeners controlledListeners(Recorder recorder) {
			return new ControlledListeners(recorder);
		}

		@Bean
		NeighbourListeners neighbourListeners(Recorder recorder) {
			return new NeighbourListeners(recorder);
		}

		@Bean
		DropEvents dropEvents() {
			return new DropEvents();
		}

		@Bean
		ErrorHandlers errorHandlers() {
			return new ErrorHandlers();
		}

		@Bean
		@Primary
		PigeonErrorHandler globalErrorHandler(ErrorHandlers handlers) {
			return (channel, payload, exception) -> handlers.record("global", channel, exception);
		}

		@Bean
		PigeonErrorHandler ownErrorHandler(ErrorHandlers handlers) {
			return (channel, payload, exception) -> handlers.record("own", channel, exception);
		}

	}

	/**
	 * The controlled listeners: registered before their {@link NeighbourListeners}, so each is
	 * offered a notification before its neighbour.
	 */
	static class ControlledListeners {

		private final Recorder recorder;

		ControlledListeners(Recorder recorder) {
			this.recorder = recorder;
		}

		private void record(String key, PigeonEvent<Map<String, Object>> event) {
			this.recorder.record(key, event.data().get("id"));
		}

		@PigeonListener(channel = "stop_ch", id = "stoppable")
		void stoppable(PigeonEvent<Map<String, Object>> event) {
			record("stop_ch.controlled", event);
		}

		@PigeonListener(channel = "late_ch", id = "late", autoStartup = "${test.late-start}")
		void late(PigeonEvent<Map<String, Object>> event) {
			record("late_ch.controlled", event);
		}

		@PigeonListener(channel = "pause_ch", id = "pausable")
		void pausable(PigeonEvent<Map<String, Object>> event) {
			record("pause_ch.controlled", event);
		}

		@PigeonListener(channel = "overflow_ch", id = "overflowing")
		void overflowing(PigeonEvent<Map<String, Object>> event) {
			record("overflow_ch.controlled", event);
		}

		@PigeonListener(channel = "discard_ch", id = "discarding")
		void discarding(PigeonEvent<Map<String, Object>> event) {
			record("discard_ch.controlled", event);
		}

		@PigeonListener(channel = "cond_ch", condition = "#event.data.status == 'PAID'")
		void paid(Order order) {
			this.recorder.record("cond_ch.paid", order);
		}

		@PigeonListener(channel = "cond_ch", condition = "channel == 'cond_ch' and #root.action.name() == 'UPDATE'")
		void updates(PigeonEvent<Map<String, Object>> event) {
			record("cond_ch.updates", event);
		}

		@PigeonListener(channel = "broken_ch", condition = "#event.data.missing.length() > 0",
				errorHandler = "ownErrorHandler")
		void broken(PigeonEvent<Map<String, Object>> event) {
			record("broken_ch.controlled", event);
		}

		@PigeonListener(channel = "fail_ch", errorHandler = "ownErrorHandler")
		void failsToItsOwnHandler(String payload) {
			throw new IllegalStateException("own handler, please");
		}

		@PigeonListener(channel = "fail_ch")
		void failsToTheGlobalHandler(String payload) {
			throw new IllegalStateException("global handler, please");
		}

	}

	/**
	 * The neighbours, one per channel, registered after {@link ControlledListeners}.
	 */
	static class NeighbourListeners {

		private final Recorder recorder;

		NeighbourListeners(Recorder recorder) {
			this.recorder = recorder;
		}

		private void record(String key, PigeonEvent<Map<String, Object>> event) {
			this.recorder.record(key, event.data().get("id"));
		}

		@PigeonListener(channel = "stop_ch")
		void stopNeighbour(PigeonEvent<Map<String, Object>> event) {
			record("stop_ch.neighbour", event);
		}

		@PigeonListener(channel = "late_ch")
		void lateNeighbour(PigeonEvent<Map<String, Object>> event) {
			record("late_ch.neighbour", event);
		}

		@PigeonListener(channel = "pause_ch")
		void pauseNeighbour(PigeonEvent<Map<String, Object>> event) {
			record("pause_ch.neighbour", event);
		}

		@PigeonListener(channel = "overflow_ch")
		void overflowNeighbour(PigeonEvent<Map<String, Object>> event) {
			record("overflow_ch.neighbour", event);
		}

		@PigeonListener(channel = "discard_ch")
		void discardNeighbour(PigeonEvent<Map<String, Object>> event) {
			record("discard_ch.neighbour", event);
		}

		@PigeonListener(channel = "cond_ch")
		void conditionNeighbour(PigeonEvent<Map<String, Object>> event) {
			record("cond_ch.neighbour", event);
		}

		@PigeonListener(channel = "broken_ch")
		void brokenNeighbour(PigeonEvent<Map<String, Object>> event) {
			record("broken_ch.neighbour", event);
		}

	}

	static class ErrorHandlers {

		private final Recorder recorder = new Recorder();

		void record(String handler, String channel, Throwable exception) {
			this.recorder.record(handler + ":" + channel, exception);
		}

		int count(String key) {
			return this.recorder.count(key);
		}

		List<Throwable> get(String key) {
			return this.recorder.get(key).stream().map(Throwable.class::cast).toList();
		}

	}

	static class DropEvents implements ApplicationListener<PigeonNotificationsDroppedEvent> {

		private final Map<String, Long> totals = new ConcurrentHashMap<>();

		@Override
		public void onApplicationEvent(PigeonNotificationsDroppedEvent event) {
			this.totals.merge(event.getChannel(), event.getCount(), Long::sum);
		}

		long total(String channel) {
			return this.totals.getOrDefault(channel, 0L);
		}

	}

}
