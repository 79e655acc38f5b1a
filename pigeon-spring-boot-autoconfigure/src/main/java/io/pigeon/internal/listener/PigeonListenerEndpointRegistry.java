package io.pigeon.internal.listener;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;

import io.pigeon.PigeonListenerHandle;
import io.pigeon.PigeonListenerRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * Holds every {@code @PigeonListener} endpoint and runs the listener as a {@link SmartLifecycle},
 * after spring-kafka's {@code KafkaListenerEndpointRegistry}: {@link #start()} hands the
 * endpoints to a {@link ListenerContainer} created by the {@link ListenerContainerFactory} and
 * returns once the container has started (for notifications: once LISTEN has been executed and
 * committed on every channel, so that a change committed after the application has started is
 * never missed); {@link #stop()} stops the container, which lets in-flight listener calls finish
 * within the shutdown time-out and leaves no thread behind. With no endpoint it creates no
 * container, so no connection is opened. The registry knows endpoints and containers, never
 * connections or threads.
 * <p>
 * As the {@link PigeonListenerRegistry} it also controls each listener by id: {@link #start()}
 * starts the listeners whose {@code autoStartup} is set before the container starts, and
 * {@link #stop()} stops every listener once the container has stopped; in between, each can be
 * stopped, started, paused and resumed through its {@link PigeonListenerHandle}, which only sets
 * its {@link ListenerControl} (the container keeps listening on every channel).
 *
 * @since 0.1.0
 */
public class PigeonListenerEndpointRegistry implements PigeonListenerRegistry, SmartLifecycle, DisposableBean {

	/**
	 * The lifecycle phase: late in start-up (after a web server, so work arriving through both
	 * sees a complete application) and early in shutdown.
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 100;

	private final ListenerContainerFactory containerFactory;

	private final @Nullable ListenerContainerFactory durableContainerFactory;

	private final Set<String> durableChannels;

	private final ListenerStatus idle = new ListenerStatus();

	// Taken by start, stop and registration only: the queries read the volatile fields below.
	private final ReentrantLock lifecycleLock = new ReentrantLock();

	private volatile List<ListenerEndpoint> endpoints = List.of();

	private volatile Map<String, PigeonListenerHandle> listeners = Map.of();

	private volatile boolean running;

	// Kept after stop so that its final status (stopped) stays visible.
	private volatile @Nullable ListenerContainer container;

	private volatile List<ListenerContainer> containers = List.of();

	/**
	 * Create a new registry whose every channel is delivered in notify mode.
	 * @param containerFactory creates the container that delivers to the endpoints
	 */
	public PigeonListenerEndpointRegistry(ListenerContainerFactory containerFactory) {
		this(containerFactory, null, Set.of());
	}

	/**
	 * Create a new registry that routes the endpoints of durable channels to a container of
	 * their own.
	 * @param containerFactory creates the container of the notify channels
	 * @param durableContainerFactory creates the container of the durable channels, or
	 * {@code null} when there are none
	 * @param durableChannels the channels whose triggers write Pigeon's change log
	 */
	public PigeonListenerEndpointRegistry(ListenerContainerFactory containerFactory,
			@Nullable ListenerContainerFactory durableContainerFactory, Set<String> durableChannels) {
		this.containerFactory = containerFactory;
		this.durableContainerFactory = durableContainerFactory;
		this.durableChannels = (durableContainerFactory != null) ? Set.copyOf(durableChannels) : Set.of();
	}

	/**
	 * Return whether a channel is delivered durably.
	 * @param channel the channel
	 * @return {@code true} if its endpoints go to the durable container
	 */
	public boolean isDurable(String channel) {
		return this.durableChannels.contains(channel);
	}

	/**
	 * Register an endpoint; only before the listener has started, since it LISTENs on the
	 * channels known at start-up.
	 * @param endpoint the endpoint
	 * @throws InvalidPigeonListenerException if the listener has already started, or another
	 * endpoint has the same id
	 */
	public void registerEndpoint(ListenerEndpoint endpoint) {
		this.lifecycleLock.lock();
		try {
			if (this.running) {
				throw new InvalidPigeonListenerException(endpoint.method(), "on bean '" + endpoint.beanName()
						+ "' was found after the listener had started, and Pigeon LISTENs only on the channels known "
						+ "at start-up: make the bean a non-lazy singleton");
			}
			for (ListenerEndpoint other : this.endpoints) {
				if (other.id().equals(endpoint.id())) {
					throw new InvalidPigeonListenerException(endpoint.method(), "on bean '" + endpoint.beanName()
							+ "' has the id '" + endpoint.id() + "' of @PigeonListener method '" + other.describe()
							+ "' on bean '" + other.beanName() + "': listener ids must be unique, so set a "
							+ "different id on one of them");
				}
			}
			checkDeliveryModes(endpoint);
			List<ListenerEndpoint> endpoints = new ArrayList<>(this.endpoints);
			endpoints.add(endpoint);
			this.endpoints = List.copyOf(endpoints);
			Map<String, PigeonListenerHandle> listeners = new LinkedHashMap<>(this.listeners);
			listeners.put(endpoint.id(), new RegisteredListener(endpoint));
			this.listeners = Collections.unmodifiableMap(listeners);
		}
		finally {
			this.lifecycleLock.unlock();
		}
	}

	private void checkDeliveryModes(ListenerEndpoint endpoint) {
		List<String> durable = endpoint.channels().stream().filter(this::isDurable).toList();
		if (endpoint.signature().kind() == ListenerMethodSignature.Kind.BATCH
				&& durable.size() != endpoint.channels().size()) {
			throw new InvalidPigeonListenerException(endpoint.method(), "on bean '" + endpoint.beanName()
					+ "' takes a List of PigeonEvents, which only durable channels deliver, but channel(s) "
					+ endpoint.channels().stream().filter((channel) -> !isDurable(channel)).toList()
					+ " are delivered with NOTIFY, one change at a time: take (PigeonEvent<T> event), or set "
					+ "delivery: durable on the channel's triggers (pigeon.durable.channels for triggers installed "
					+ "by another application)");
		}
		if (durable.size() > 1) {
			throw new InvalidPigeonListenerException(endpoint.method(), "on bean '" + endpoint.beanName()
					+ "' listens on the durable channels " + durable + ", but a durable listener is one "
					+ "subscription, with one position in one channel's log: declare one method per durable channel, "
					+ "each with its own id");
		}
	}

	/**
	 * Return the registered endpoints.
	 * @return the endpoints, in registration order
	 */
	public List<ListenerEndpoint> getEndpoints() {
		return this.endpoints;
	}

	@Override
	public Set<String> getListenerIds() {
		return this.listeners.keySet();
	}

	@Override
	public Collection<PigeonListenerHandle> getListeners() {
		return this.listeners.values();
	}

	@Override
	public @Nullable PigeonListenerHandle getListener(String id) {
		return this.listeners.get(id);
	}

	/**
	 * Return the channels the endpoints listen on.
	 * @return the channel names, sorted
	 */
	public Set<String> getChannels() {
		Set<String> channels = new TreeSet<>();
		for (ListenerEndpoint endpoint : this.endpoints) {
			channels.addAll(endpoint.channels());
		}
		return Collections.unmodifiableSet(channels);
	}

	/**
	 * Return what the listener is doing; never waits for a start or stop in progress.
	 * @return the container's status, {@link ListenerStatus.State#IDLE idle} when there is none
	 */
	public ListenerStatus getStatus() {
		ListenerContainer container = this.container;
		return (container != null) ? container.getStatus() : this.idle;
	}

	/**
	 * Return the containers created at the last start, one per delivery mode in use.
	 * @return the containers, the notify one first
	 */
	public List<ListenerContainer> getContainers() {
		return this.containers;
	}

	/**
	 * Return how many notifications are waiting for delivery on a channel.
	 * @param channel the channel
	 * @return the size of its buffer, 0 for an unknown channel
	 */
	public int getPending(String channel) {
		int pending = 0;
		for (ListenerContainer container : this.containers) {
			pending += container.getPending(channel);
		}
		return pending;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Start the container, returning once it has started. A container that cannot start fails
	 * start-up with its exception (for notifications, a {@code ListenerStartupException} when
	 * {@code fail-fast} is set) and the registry is left stopped.
	 */
	@Override
	public void start() {
		this.lifecycleLock.lock();
		try {
			if (this.running) {
				return;
			}
			List<ListenerEndpoint> endpoints = this.endpoints;
			this.running = true;
			if (endpoints.isEmpty()) {
				return;
			}
			List<ListenerContainer> containers = createContainers(endpoints);
			this.containers = containers;
			this.container = containers.get(0);
			// Before the container starts, so that the first change received finds them started.
			for (ListenerEndpoint endpoint : endpoints) {
				if (endpoint.autoStartup()) {
					endpoint.control().setRunning(true);
				}
			}
			List<ListenerContainer> started = new ArrayList<>();
			try {
				for (ListenerContainer container : containers) {
					container.start();
					started.add(container);
				}
			}
			catch (RuntimeException | Error ex) {
				this.running = false;
				for (int i = started.size() - 1; i >= 0; i--) {
					started.get(i).stop();
				}
				stopListeners();
				throw ex;
			}
		}
		finally {
			this.lifecycleLock.unlock();
		}
	}

	/**
	 * Stop the container: it stops receiving, delivers what it has received and lets listener
	 * calls finish within the shutdown time-out, then interrupts what is left.
	 */
	@Override
	public void stop() {
		this.lifecycleLock.lock();
		try {
			if (!this.running) {
				return;
			}
			this.running = false;
			List<ListenerContainer> containers = this.containers;
			for (int i = containers.size() - 1; i >= 0; i--) {
				containers.get(i).stop();
			}
			// After the container: what it had received is still delivered to started listeners.
			stopListeners();
		}
		finally {
			this.lifecycleLock.unlock();
		}
	}

	// Each endpoint to the container of its channels' delivery mode: notify first, then durable.
	private List<ListenerContainer> createContainers(List<ListenerEndpoint> endpoints) {
		List<ListenerEndpoint> notify = new ArrayList<>();
		List<ListenerEndpoint> durable = new ArrayList<>();
		for (ListenerEndpoint endpoint : endpoints) {
			List<String> notifyChannels = endpoint.channels().stream().filter((channel) -> !isDurable(channel)).toList();
			if (notifyChannels.size() == endpoint.channels().size()) {
				notify.add(endpoint);
				continue;
			}
			if (!notifyChannels.isEmpty()) {
				notify.add(endpoint.withChannels(notifyChannels));
			}
			durable.add(endpoint.withChannels(endpoint.channels().stream().filter(this::isDurable).toList()));
		}
		List<ListenerContainer> containers = new ArrayList<>();
		if (!notify.isEmpty()) {
			containers.add(this.containerFactory.createContainer(notify));
		}
		ListenerContainerFactory durableFactory = this.durableContainerFactory;
		if (!durable.isEmpty() && durableFactory != null) {
			containers.add(durableFactory.createContainer(durable));
		}
		return List.copyOf(containers);
	}

	private void stopListeners() {
		for (ListenerEndpoint endpoint : this.endpoints) {
			endpoint.control().setRunning(false);
		}
	}

	@Override
	public void destroy() {
		stop();
	}

	/**
	 * One endpoint's {@link PigeonListenerHandle}: it sets the endpoint's {@link ListenerControl},
	 * which the container reads before each delivery.
	 */
	private final class RegisteredListener implements PigeonListenerHandle {

		private final ListenerEndpoint endpoint;

		RegisteredListener(ListenerEndpoint endpoint) {
			this.endpoint = endpoint;
		}

		@Override
		public String getId() {
			return this.endpoint.id();
		}

		@Override
		public List<String> getChannels() {
			return this.endpoint.channels();
		}

		@Override
		public boolean isAutoStartup() {
			return this.endpoint.autoStartup();
		}

		@Override
		public void start() {
			ReentrantLock lock = PigeonListenerEndpointRegistry.this.lifecycleLock;
			lock.lock();
			try {
				if (!PigeonListenerEndpointRegistry.this.running) {
					throw new IllegalStateException("Pigeon listener '" + getId() + "' cannot start while Pigeon's "
							+ "listener is stopped: it starts with the application context");
				}
				this.endpoint.control().setRunning(true);
			}
			finally {
				lock.unlock();
			}
		}

		@Override
		public void stop() {
			this.endpoint.control().setRunning(false);
		}

		@Override
		public void pause() {
			this.endpoint.control().setPaused(true);
		}

		@Override
		public void resume() {
			this.endpoint.control().setPaused(false);
		}

		@Override
		public boolean isRunning() {
			return PigeonListenerEndpointRegistry.this.running && this.endpoint.control().isRunning();
		}

		@Override
		public boolean isPaused() {
			return this.endpoint.control().isPaused();
		}

		@Override
		public String toString() {
			return "Pigeon listener '" + getId() + "' (" + this.endpoint.describe() + ")";
		}

	}

}
