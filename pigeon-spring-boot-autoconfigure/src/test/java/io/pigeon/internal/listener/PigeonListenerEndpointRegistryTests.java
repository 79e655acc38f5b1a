package io.pigeon.internal.listener;

import java.lang.reflect.Method;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The registry's lifecycle with a fake container, without a database: what it creates, starts
 * and stops, in which order, and that its queries never wait for a stop in progress.
 */
class PigeonListenerEndpointRegistryTests {

	private static final long BOUND_SECONDS = 30;

	private final List<String> events = new CopyOnWriteArrayList<>();

	private final List<FakeContainer> containers = new CopyOnWriteArrayList<>();

	@Test
	void withoutEndpointsCreatesNoContainer() {
		PigeonListenerEndpointRegistry registry = new PigeonListenerEndpointRegistry(this::createContainer);
		registry.start();
		assertThat(registry.isRunning()).isTrue();
		assertThat(this.containers).isEmpty();
		assertThat(registry.getStatus().getState()).isEqualTo(ListenerStatus.State.IDLE);
		assertThat(registry.getPending("items")).isZero();
		registry.stop();
		assertThat(registry.isRunning()).isFalse();
		assertThat(this.events).isEmpty();
	}

	@Test
	void startHandsEveryEndpointToOneContainerAndStopStopsIt() {
		PigeonListenerEndpointRegistry registry = new PigeonListenerEndpointRegistry(this::createContainer);
		ListenerEndpoint first = endpoint("first", "a");
		ListenerEndpoint second = endpoint("second", "b", "a");
		registry.registerEndpoint(first);
		registry.registerEndpoint(second);
		registry.start();
		assertThat(this.containers).singleElement()
			.satisfies((container) -> assertThat(container.endpoints).containsExactly(first, second));
		assertThat(registry.getChannels()).containsExactly("a", "b");
		registry.start();
		registry.stop();
		registry.stop();
		assertThat(this.events).containsExactly("create", "doStart", "doStop");
		assertThat(registry.isRunning()).isFalse();
		// The stopped container's status stays visible: health reports it out of service.
		assertThat(registry.getStatus()).isSameAs(this.containers.get(0).getStatus());
	}

	@Test
	void durableChannelsGoToTheirOwnContainerAndAnEndpointOnBothModesIsSplit() {
		List<FakeContainer> durable = new CopyOnWriteArrayList<>();
		PigeonListenerEndpointRegistry registry = new PigeonListenerEndpointRegistry(this::createContainer,
				(endpoints) -> {
					FakeContainer container = new FakeContainer(endpoints, Duration.ofSeconds(5));
					durable.add(container);
					return container;
				}, Set.of("orders"));
		ListenerEndpoint notifyOnly = endpoint("notifyOnly", "items");
		ListenerEndpoint durableOnly = endpoint("durableOnly", "orders");
		ListenerEndpoint both = endpoint("both", "items", "orders");
		registry.registerEndpoint(notifyOnly);
		registry.registerEndpoint(durableOnly);
		registry.registerEndpoint(both);
		registry.start();
		try {
			assertThat(this.containers).singleElement()
				.satisfies((container) -> assertThat(container.endpoints).extracting(ListenerEndpoint::beanName,
						ListenerEndpoint::channels)
					.containsExactly(tuple("notifyOnly", List.of("items")), tuple("both", List.of("items"))));
			assertThat(durable).singleElement()
				.satisfies((container) -> assertThat(container.endpoints).extracting(ListenerEndpoint::beanName,
						ListenerEndpoint::channels)
					.containsExactly(tuple("durableOnly", List.of("orders")), tuple("both", List.of("orders"))));
			assertThat(registry.getContainers()).hasSize(2).allMatch(ListenerContainer::isRunning);
			// The split endpoint is one listener: stopping it stops it in both containers.
			assertThat(this.containers.get(0).endpoints.get(1).control()).isSameAs(both.control());
		}
		finally {
			registry.stop();
		}
		assertThat(durable.get(0).isRunning()).isFalse();
	}

	@Test
	void onlyDurableEndpointsCreateOnlyTheDurableContainer() {
		List<FakeContainer> durable = new CopyOnWriteArrayList<>();
		PigeonListenerEndpointRegistry registry = new PigeonListenerEndpointRegistry(this::createContainer,
				(endpoints) -> {
					FakeContainer container = new FakeContainer(endpoints, Duration.ofSeconds(5));
					durable.add(container);
					return container;
				}, Set.of("orders"));
		registry.registerEndpoint(endpoint("durableOnly", "orders"));
		registry.start();
		registry.stop();
		assertThat(this.containers).isEmpty();
		assertThat(durable).hasSize(1);
		assertThat(registry.getStatus()).isSameAs(durable.get(0).getStatus());
	}

	@Test
	void durableEndpointOnTwoDurableChannelsIsRefused() {
		PigeonListenerEndpointRegistry registry = new PigeonListenerEndpointRegistry(this::createContainer,
				this::createContainer, Set.of("orders", "invoices"));
		assertThatExceptionOfType(InvalidPigeonListenerException.class)
			.isThrownBy(() -> registry.registerEndpoint(endpoint("two", "orders", "invoices")))
			.withMessageContaining("listens on the durable channels [orders, invoices]")
			.withMessageContaining("declare one method per durable channel");
	}

	@Test
	void batchEndpointOnANotifyChannelIsRefused() {
		PigeonListenerEndpointRegistry registry = new PigeonListenerEndpointRegistry(this::createContainer,
				this::createContainer, Set.of("orders"));
		Method method = ReflectionUtils.findMethod(Listener.class, "onBatch", List.class);
		assertThat(method).isNotNull();
		ListenerEndpoint batch = new ListenerEndpoint("batch", new Listener(), method, List.of("items"), Set.of(),
				ListenerMethodSignature.of(method, Listener.class));
		assertThatExceptionOfType(InvalidPigeonListenerException.class)
			.isThrownBy(() -> registry.registerEndpoint(batch))
			.withMessageContaining("takes a List of PigeonEvents, which only durable channels deliver, but channel(s) "
					+ "[items] are delivered with NOTIFY");
		registry.registerEndpoint(batch.withChannels(List.of("orders")));
	}

	@Test
	void restartCreatesAFreshContainer() {
		PigeonListenerEndpointRegistry registry = new PigeonListenerEndpointRegistry(this::createContainer);
		registry.registerEndpoint(endpoint("first", "a"));
		registry.start();
		registry.stop();
		registry.start();
		assertThat(this.containers).hasSize(2);
		assertThat(this.containers.get(1).isRunning()).isTrue();
		registry.destroy();
		assertThat(this.events).containsExactly("create", "doStart", "doStop", "create", "doStart", "doStop");
	}

	@Test
	void endpointFoundAfterStartIsRefused() {
		PigeonListenerEndpointRegistry registry = new PigeonListenerEndpointRegistry(this::createContainer);
		registry.start();
		try {
			assertThatExceptionOfType(InvalidPigeonListenerException.class)
				.isThrownBy(() -> registry.registerEndpoint(endpoint("late", "a")))
				.withMessageContaining("found after the listener had started")
				.withMessageContaining("on bean 'late'");
		}
		finally {
			registry.stop();
		}
	}

	@Test
	void containerThatCannotStartFailsStartupAndIsCleanedUp() {
		PigeonListenerEndpointRegistry registry = new PigeonListenerEndpointRegistry((endpoints) -> {
			FakeContainer container = createContainer(endpoints);
			container.startFailure = new IllegalStateException("cannot listen");
			return container;
		});
		registry.registerEndpoint(endpoint("first", "a"));
		assertThatIllegalStateException().isThrownBy(registry::start).withMessage("cannot listen");
		assertThat(registry.isRunning()).isFalse();
		assertThat(this.containers.get(0).isRunning()).isFalse();
		// What the failed start had begun is stopped before the failure reaches start-up.
		assertThat(this.events).containsExactly("create", "doStart", "doStop");
	}

	@Test
	void containerThatStartsWithoutItsConnectionLeavesTheRegistryRunning() {
		// A container without fail-fast reports the failed attempt in its status and starts.
		PigeonListenerEndpointRegistry registry = new PigeonListenerEndpointRegistry((endpoints) -> {
			FakeContainer container = createContainer(endpoints);
			container.connected = false;
			return container;
		});
		registry.registerEndpoint(endpoint("first", "a"));
		registry.start();
		try {
			assertThat(registry.isRunning()).isTrue();
			assertThat(registry.getStatus().getState()).isEqualTo(ListenerStatus.State.DISCONNECTED);
		}
		finally {
			registry.stop();
		}
	}

	@Test
	void queriesAreAnsweredWhileAStopWaitsForListeners() throws Exception {
		PigeonListenerEndpointRegistry registry = new PigeonListenerEndpointRegistry(this::createContainer);
		registry.registerEndpoint(endpoint("first", "a"));
		registry.start();
		FakeContainer container = this.containers.get(0);
		container.stopGate = new CountDownLatch(1);
		CompletableFuture<Void> stop = CompletableFuture.runAsync(registry::stop);
		try {
			assertThat(container.stopEntered.await(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
			CompletableFuture<ListenerStatus.State> state = CompletableFuture
				.supplyAsync(() -> registry.getStatus().getState());
			assertThat(state.get(BOUND_SECONDS, TimeUnit.SECONDS)).isEqualTo(ListenerStatus.State.STOPPED);
			assertThat(CompletableFuture.supplyAsync(registry::getChannels).get(BOUND_SECONDS, TimeUnit.SECONDS))
				.containsExactly("a");
			assertThat(CompletableFuture.supplyAsync(() -> registry.getPending("a"))
				.get(BOUND_SECONDS, TimeUnit.SECONDS)).isEqualTo(7);
			assertThat(stop).isNotDone();
		}
		finally {
			container.stopGate.countDown();
		}
		stop.get(BOUND_SECONDS, TimeUnit.SECONDS);
	}

	@Test
	void stopWaitsNoLongerThanTheShutdownTimeout() {
		FakeContainer container = new FakeContainer(List.of(endpoint("first", "a")), Duration.ofMillis(250));
		container.start();
		long before = System.nanoTime();
		container.stop();
		long after = System.nanoTime();
		assertThat(container.deadlineNanos).isBetween(before + Duration.ofMillis(250).toNanos(),
				after + Duration.ofMillis(250).toNanos());
	}

	@Test
	void stopInterruptedWhileWaitingAbandonsAndKeepsTheInterrupt() {
		FakeContainer container = new FakeContainer(List.of(endpoint("first", "a")), Duration.ofSeconds(30));
		container.start();
		container.stopGate = new CountDownLatch(1);
		Thread.currentThread().interrupt();
		try {
			container.stop();
		}
		finally {
			assertThat(Thread.interrupted()).as("interrupt kept for the caller").isTrue();
		}
		assertThat(this.events).containsExactly("doStart", "doStop", "doAbandon");
		assertThat(container.isRunning()).isFalse();
	}

	private FakeContainer createContainer(List<ListenerEndpoint> endpoints) {
		this.events.add("create");
		FakeContainer container = new FakeContainer(endpoints, Duration.ofSeconds(5));
		this.containers.add(container);
		return container;
	}

	private static ListenerEndpoint endpoint(String beanName, String... channels) {
		Method method = ReflectionUtils.findMethod(Listener.class, "onChange", String.class);
		assertThat(method).isNotNull();
		return new ListenerEndpoint(beanName, new Listener(), method, List.of(channels), Set.of(),
				ListenerMethodSignature.of(method, Listener.class));
	}

	static class Listener {

		void onChange(String payload) {
		}

		void onBatch(List<io.pigeon.PigeonEvent<Object>> events) {
		}

	}

	/**
	 * A container that records its lifecycle calls, writes its status as a real one would and can
	 * be made to fail its start or to hold its stop.
	 */
	final class FakeContainer extends AbstractListenerContainer {

		final List<ListenerEndpoint> endpoints;

		final CountDownLatch stopEntered = new CountDownLatch(1);

		volatile RuntimeException startFailure;

		volatile boolean connected = true;

		volatile CountDownLatch stopGate;

		volatile long deadlineNanos;

		FakeContainer(List<ListenerEndpoint> endpoints, Duration shutdownTimeout) {
			super(endpoints, shutdownTimeout);
			this.endpoints = endpoints;
		}

		@Override
		public int getPending(String channel) {
			return getChannels().contains(channel) ? 7 : 0;
		}

		@Override
		protected void doStart() {
			PigeonListenerEndpointRegistryTests.this.events.add("doStart");
			getStatus().starting(List.copyOf(getChannels()));
			RuntimeException startFailure = this.startFailure;
			if (startFailure != null) {
				throw startFailure;
			}
			if (this.connected) {
				getStatus().listening(42);
			}
			else {
				getStatus().disconnected(Instant.now(), "connection refused");
			}
		}

		@Override
		protected void doStop(long deadlineNanos) throws InterruptedException {
			PigeonListenerEndpointRegistryTests.this.events.add("doStop");
			this.deadlineNanos = deadlineNanos;
			getStatus().stopped();
			this.stopEntered.countDown();
			CountDownLatch stopGate = this.stopGate;
			if (stopGate != null) {
				stopGate.await();
			}
		}

		@Override
		protected void doAbandon() {
			PigeonListenerEndpointRegistryTests.this.events.add("doAbandon");
		}

	}

}
