package io.pigeon.internal.listener.notify;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.pigeon.PigeonNotificationsDroppedEvent;
import io.pigeon.internal.listener.ListenerEndpoint;
import io.pigeon.internal.listener.ListenerFailureHandler;
import io.pigeon.internal.listener.ListenerMethodSignature;
import io.pigeon.internal.listener.ListenerMetrics;
import io.pigeon.internal.listener.MethodListenerAdapter;
import io.pigeon.internal.listener.NotificationParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.scheduling.concurrent.ConcurrentTaskScheduler;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ChannelDispatcher} on its own, without a database: notifications are offered
 * as the reading thread offers them.
 */
class ChannelDispatcherTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final String CHANNEL = "items";

	private final JsonMapper jsonMapper = JsonMapper.builder().build();

	private final ScheduledExecutorService tasks = Executors.newSingleThreadScheduledExecutor();

	private final ConcurrentTaskScheduler scheduler = new ConcurrentTaskScheduler(this.tasks);

	private final SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("pigeon-channel-");

	private final List<PigeonNotificationsDroppedEvent> dropEvents = new CopyOnWriteArrayList<>();

	private final DroppedNotificationsReporter dropReporter = new DroppedNotificationsReporter(this.scheduler,
			(event) -> this.dropEvents.add((PigeonNotificationsDroppedEvent) event), this, 4);

	private final CountingMetrics metrics = new CountingMetrics();

	private final List<String> failures = new CopyOnWriteArrayList<>();

	private final ListenerFailureHandler failureHandler = new ListenerFailureHandler(
			(channel, payload, failure) -> this.failures.add(channel + "|" + payload + "|" + failure.getMessage()));

	private final List<ChannelDispatcher> started = new ArrayList<>();

	@AfterEach
	void stopDispatchers() throws InterruptedException {
		for (ChannelDispatcher dispatcher : this.started) {
			dispatcher.abandon();
			dispatcher.awaitEnd(TIMEOUT.toMillis());
		}
		this.tasks.shutdownNow();
	}

	@Test
	void deliversInTheOrderReceived() {
		Recording listener = new Recording();
		ChannelDispatcher dispatcher = start(100_000, adapter(listener, "payload"));
		List<String> expected = new ArrayList<>();
		for (int batch = 0; batch < 100; batch++) {
			List<String> payloads = new ArrayList<>();
			for (int n = 0; n < 100; n++) {
				payloads.add("p" + (batch * 100 + n));
			}
			expected.addAll(payloads);
			if (batch % 2 == 0) {
				dispatcher.offer(payloads);
			}
			else {
				payloads.forEach(dispatcher::offer);
			}
		}
		await().atMost(TIMEOUT).until(() -> listener.received.size() == expected.size());
		assertThat(listener.received).containsExactlyElementsOf(expected);
		assertThat(this.metrics.received).hasValue(expected.size());
		assertThat(this.metrics.invoked).hasValue(expected.size());
		assertThat(this.metrics.dropped).hasValue(0);
	}

	@Test
	void fullBufferDropsAndCountsWhatDoesNotFit() throws Exception {
		Blocking listener = new Blocking();
		ChannelDispatcher dispatcher = start(4, adapter(listener, "payload"));
		dispatcher.offer("first");
		assertThat(listener.entered.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		dispatcher.offer(List.of("a", "b", "c"));
		dispatcher.offer(List.of("d", "e", "f"));
		dispatcher.offer("g");
		assertThat(dispatcher.getPending()).isEqualTo(4);
		assertThat(this.metrics.received).hasValue(8);
		assertThat(this.metrics.dropped).hasValue(3);
		await().atMost(TIMEOUT).until(() -> this.dropEvents.stream().mapToLong(PigeonNotificationsDroppedEvent::getCount)
			.sum() == 3);
		assertThat(this.dropEvents).extracting(PigeonNotificationsDroppedEvent::getChannel).containsOnly(CHANNEL);
		listener.release.countDown();
		await().atMost(TIMEOUT).until(() -> listener.received.size() == 5);
		assertThat(listener.received).containsExactly("first", "a", "b", "c", "d");
		dispatcher.offer("h");
		await().atMost(TIMEOUT).until(() -> listener.received.size() == 6);
		assertThat(dispatcher.getPending()).isZero();
	}

	@Test
	void notificationsTakenForDeliveryStillCountAgainstTheCapacity() throws Exception {
		Blocking listener = new Blocking();
		ChannelDispatcher dispatcher = new ChannelDispatcher(CHANNEL, List.of(adapter(listener, "payload")), 3,
				parser(), this.metrics, this.dropReporter.forChannel(CHANNEL), this.failureHandler, null);
		// Buffered before the thread starts, so that it takes all three at once.
		dispatcher.offer(List.of("a", "b", "c"));
		this.started.add(dispatcher);
		dispatcher.start(this.executor);
		assertThat(listener.entered.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(dispatcher.getPending()).isEqualTo(2);
		dispatcher.offer(List.of("d", "e"));
		assertThat(dispatcher.getPending()).isEqualTo(3);
		assertThat(this.metrics.dropped).hasValue(1);
		listener.release.countDown();
		await().atMost(TIMEOUT).until(() -> listener.received.size() == 4);
		assertThat(listener.received).containsExactly("a", "b", "c", "d");
	}

	@Test
	void aThrowingListenerStopsNeitherTheOthersNorLaterNotifications() {
		Recording recording = new Recording();
		ChannelDispatcher dispatcher = start(10, adapter(new Throwing(), "payload"), adapter(recording, "payload"));
		dispatcher.offer(List.of("a", "bad", "c"));
		await().atMost(TIMEOUT).until(() -> recording.received.size() == 3);
		assertThat(recording.received).containsExactly("a", "bad", "c");
		assertThat(this.failures).containsExactly(CHANNEL + "|bad|refused bad");
		assertThat(this.metrics.failed).hasValue(1);
	}

	@Test
	void stopDeliversWhatIsBufferedThenEnds() throws Exception {
		Blocking listener = new Blocking();
		ChannelDispatcher dispatcher = start(10, adapter(listener, "payload"));
		dispatcher.offer("first");
		assertThat(listener.entered.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		dispatcher.offer(List.of("a", "b", "c"));
		CompletableFuture<Boolean> stopped = CompletableFuture
			.supplyAsync(() -> stop(dispatcher, System.nanoTime() + TIMEOUT.toNanos()));
		listener.release.countDown();
		assertThat(stopped.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(listener.received).containsExactly("first", "a", "b", "c");
		assertThat(dispatcher.awaitEnd(1)).isNull();
	}

	@Test
	void stopOfAnIdleDispatcherEndsItsThread() throws Exception {
		ChannelDispatcher dispatcher = start(10, adapter(new Recording(), "payload"));
		assertThat(dispatcher.stop(System.nanoTime() + TIMEOUT.toNanos())).isTrue();
	}

	@Test
	void abandonDiscardsWhatIsBufferedAndInterruptsTheCallInProgress() throws Exception {
		Blocking listener = new Blocking();
		ChannelDispatcher dispatcher = start(10, adapter(listener, "payload"));
		dispatcher.offer(List.of("first", "a", "b"));
		assertThat(listener.entered.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		dispatcher.offer("c");
		assertThat(stop(dispatcher, System.nanoTime())).isFalse();
		assertThat(dispatcher.abandon()).isEqualTo(3);
		assertThat(dispatcher.awaitEnd(TIMEOUT.toMillis())).isNull();
		assertThat(listener.interrupted).isTrue();
		assertThat(listener.received).containsExactly("first");
	}

	private static boolean stop(ChannelDispatcher dispatcher, long deadlineNanos) {
		try {
			return dispatcher.stop(deadlineNanos);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private ChannelDispatcher start(int capacity, MethodListenerAdapter... listeners) {
		ChannelDispatcher dispatcher = new ChannelDispatcher(CHANNEL, List.of(listeners), capacity, parser(),
				this.metrics, this.dropReporter.forChannel(CHANNEL), this.failureHandler, null);
		this.started.add(dispatcher);
		dispatcher.start(this.executor);
		return dispatcher;
	}

	private NotificationParser parser() {
		return new NotificationParser(this.jsonMapper, (id) -> {
			throw new IllegalStateException("No overflow expected");
		});
	}

	private MethodListenerAdapter adapter(Object bean, String name) {
		Method method = ReflectionUtils.findMethod(bean.getClass(), name, String.class);
		assertThat(method).isNotNull();
		return new MethodListenerAdapter(new ListenerEndpoint("listener", bean, method, List.of(CHANNEL), Set.of(),
				ListenerMethodSignature.of(method, bean.getClass())), this.jsonMapper);
	}

	static class Recording {

		final List<String> received = new CopyOnWriteArrayList<>();

		public void payload(String payload) {
			this.received.add(payload);
		}

	}

	/**
	 * Blocks in its first call until released (or interrupted).
	 */
	static class Blocking extends Recording {

		final CountDownLatch entered = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		volatile boolean interrupted;

		@Override
		public void payload(String payload) {
			super.payload(payload);
			if (this.entered.getCount() > 0) {
				this.entered.countDown();
				try {
					this.release.await();
				}
				catch (InterruptedException ex) {
					this.interrupted = true;
				}
			}
		}

	}

	static class Throwing {

		public void payload(String payload) {
			if (payload.equals("bad")) {
				throw new IllegalStateException("refused " + payload);
			}
		}

	}

	static class CountingMetrics implements ListenerMetrics.ChannelMetrics {

		final AtomicLong received = new AtomicLong();

		final AtomicLong dropped = new AtomicLong();

		final AtomicLong invoked = new AtomicLong();

		final AtomicLong failed = new AtomicLong();

		@Override
		public void received() {
			this.received.incrementAndGet();
		}

		@Override
		public void dropped() {
			this.dropped.incrementAndGet();
		}

		@Override
		public void lag(long micros) {
		}

		@Override
		public void invoked(boolean success, long nanos) {
			this.invoked.incrementAndGet();
			if (!success) {
				this.failed.incrementAndGet();
			}
		}

	}

}
