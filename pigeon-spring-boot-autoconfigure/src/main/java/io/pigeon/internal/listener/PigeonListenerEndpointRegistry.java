package io.pigeon.internal.listener;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.pigeon.PigeonErrorHandler;
import io.pigeon.PigeonListenerReconnectedEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * Holds every {@code @PigeonListener} endpoint and runs the listener as a {@link SmartLifecycle}:
 * {@link #start()} opens the dedicated connection and returns once LISTEN has been executed and
 * committed on every channel, so that a change committed after the application has started is
 * never missed; {@link #stop()} stops reading, lets in-flight listener calls finish within the
 * shutdown time-out and leaves no thread behind. With no endpoint it opens no connection at all.
 *
 * @since 0.1.0
 */
public class PigeonListenerEndpointRegistry implements SmartLifecycle, DisposableBean {

	private static final Log logger = LogFactory.getLog(PigeonListenerEndpointRegistry.class);

	/**
	 * The lifecycle phase: late in start-up (after a web server, so work arriving through both
	 * sees a complete application) and early in shutdown.
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 100;

	static final String TASKS_THREAD_NAME = "pigeon-listener-tasks";

	private static final Duration MAX_CLEANUP_PERIOD = Duration.ofMinutes(1);

	private final ListenerConnectionFactory connectionFactory;

	private final ListenerSettings settings;

	private final JsonMapper jsonMapper;

	private final OverflowPayloadStore overflowStore;

	private final ListenerMetrics metrics;

	private final @Nullable PigeonErrorHandler errorHandler;

	private final ApplicationEventPublisher eventPublisher;

	private final ListenerStatus status = new ListenerStatus();

	private final List<ListenerEndpoint> endpoints = new ArrayList<>();

	private final Object lifecycleMonitor = new Object();

	private volatile boolean running;

	private @Nullable NotificationReader reader;

	private volatile Map<String, ChannelDispatcher> dispatchers = Map.of();

	private @Nullable ScheduledExecutorService tasks;

	private final List<Thread> taskThreads = new CopyOnWriteArrayList<>();

	/**
	 * Create a new registry.
	 * @param connectionFactory opens the listener connection
	 * @param settings how the listener behaves
	 * @param jsonMapper binds payloads to listener parameters
	 * @param overflowStore resolves overflow references
	 * @param metrics receives measurements
	 * @param errorHandler told of listener failures, or {@code null}
	 * @param eventPublisher publishes Pigeon's application events
	 */
	public PigeonListenerEndpointRegistry(ListenerConnectionFactory connectionFactory, ListenerSettings settings,
			JsonMapper jsonMapper, OverflowPayloadStore overflowStore, ListenerMetrics metrics,
			@Nullable PigeonErrorHandler errorHandler, ApplicationEventPublisher eventPublisher) {
		this.connectionFactory = connectionFactory;
		this.settings = settings;
		this.jsonMapper = jsonMapper;
		this.overflowStore = overflowStore;
		this.metrics = metrics;
		this.errorHandler = errorHandler;
		this.eventPublisher = eventPublisher;
	}

	/**
	 * Register an endpoint; only before the listener has started, since it LISTENs on the
	 * channels known at start-up.
	 * @param endpoint the endpoint
	 * @throws IllegalStateException if the listener has already started
	 */
	public void registerEndpoint(ListenerEndpoint endpoint) {
		synchronized (this.lifecycleMonitor) {
			if (this.running) {
				throw new InvalidPigeonListenerException(endpoint.method(), "on bean '" + endpoint.beanName()
						+ "' was found after the listener had started, and Pigeon LISTENs only on the channels known "
						+ "at start-up: make the bean a non-lazy singleton");
			}
			this.endpoints.add(endpoint);
		}
	}

	/**
	 * Return the registered endpoints.
	 * @return the endpoints, in registration order
	 */
	public List<ListenerEndpoint> getEndpoints() {
		synchronized (this.lifecycleMonitor) {
			return List.copyOf(this.endpoints);
		}
	}

	/**
	 * Return the channels the endpoints listen on.
	 * @return the channel names, sorted
	 */
	public Set<String> getChannels() {
		Set<String> channels = new TreeSet<>();
		for (ListenerEndpoint endpoint : getEndpoints()) {
			channels.addAll(endpoint.channels());
		}
		return Collections.unmodifiableSet(channels);
	}

	/**
	 * Return what the listener is doing.
	 * @return the listener's status
	 */
	public ListenerStatus getStatus() {
		return this.status;
	}

	/**
	 * Return how many notifications are waiting for delivery on a channel.
	 * @param channel the channel
	 * @return the size of its buffer, 0 for an unknown channel
	 */
	public int getPending(String channel) {
		ChannelDispatcher dispatcher = this.dispatchers.get(channel);
		return (dispatcher != null) ? dispatcher.getPending() : 0;
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
	 * Start listening, returning once LISTEN is committed on every channel. When the first
	 * connection attempt fails, start-up fails with a {@link ListenerStartupException} if
	 * {@code fail-fast} is set; otherwise the failure is logged and the listener keeps
	 * reconnecting in the background.
	 */
	@Override
	public void start() {
		synchronized (this.lifecycleMonitor) {
			if (this.running) {
				return;
			}
			this.running = true;
			Set<String> channels = getChannels();
			if (channels.isEmpty()) {
				return;
			}
			ScheduledExecutorService tasks = createTasks();
			this.tasks = tasks;
			this.dispatchers = createDispatchers(channels, tasks);
			this.dispatchers.values().forEach(ChannelDispatcher::start);
			NotificationReader reader = new NotificationReader(this.connectionFactory, this.dispatchers, this.settings,
					this.status, this::publishReconnected);
			this.reader = reader;
			scheduleOverflowCleanup(tasks);
			try {
				reader.start().join();
			}
			catch (CompletionException ex) {
				if (this.settings.failFast()) {
					stop();
					throw new ListenerStartupException(this.connectionFactory.getDisplayUrl(), ex.getCause());
				}
				// The reader logs the outage and keeps retrying: the application starts without it.
			}
		}
	}

	private ScheduledExecutorService createTasks() {
		ScheduledThreadPoolExecutor tasks = new ScheduledThreadPoolExecutor(1, (runnable) -> {
			Thread thread = new Thread(runnable, TASKS_THREAD_NAME);
			thread.setDaemon(true);
			this.taskThreads.add(thread);
			return thread;
		});
		tasks.setRemoveOnCancelPolicy(true);
		tasks.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		return tasks;
	}

	private Map<String, ChannelDispatcher> createDispatchers(Set<String> channels, ScheduledExecutorService tasks) {
		NotificationParser parser = new NotificationParser(this.jsonMapper, this.overflowStore::load);
		ListenerFailureHandler failureHandler = new ListenerFailureHandler(this.errorHandler);
		DroppedNotificationsReporter dropReporter = new DroppedNotificationsReporter(tasks, this.eventPublisher, this,
				this.settings.queueCapacity());
		Map<String, ChannelDispatcher> dispatchers = new LinkedHashMap<>();
		for (String channel : channels) {
			List<MethodListenerAdapter> listeners = new ArrayList<>();
			for (ListenerEndpoint endpoint : this.endpoints) {
				if (endpoint.channels().contains(channel)) {
					listeners.add(new MethodListenerAdapter(endpoint, this.jsonMapper));
				}
			}
			dispatchers.put(channel, new ChannelDispatcher(channel, listeners, this.settings.queueCapacity(), parser,
					this.metrics.channel(channel), dropReporter.forChannel(channel), failureHandler));
		}
		return Collections.unmodifiableMap(dispatchers);
	}

	private void scheduleOverflowCleanup(ScheduledExecutorService tasks) {
		Duration retention = this.settings.overflowRetention();
		long period = Math.max(1000, Math.min(retention.toMillis(), MAX_CLEANUP_PERIOD.toMillis()));
		tasks.scheduleWithFixedDelay(() -> deleteExpiredOverflow(retention), period, period, TimeUnit.MILLISECONDS);
	}

	private void deleteExpiredOverflow(Duration retention) {
		try {
			int deleted = this.overflowStore.deleteExpired(retention);
			if (deleted > 0 && logger.isDebugEnabled()) {
				logger.debug("Pigeon deleted " + deleted + " overflow payload(s) older than " + retention);
			}
		}
		catch (RuntimeException ex) {
			// Retried at the next period; expired payloads only take space meanwhile.
			logger.warn("Pigeon could not delete expired overflow payloads: " + ex);
		}
	}

	private void publishReconnected(Instant outageStart, Instant outageEnd) {
		this.metrics.reconnected();
		ScheduledExecutorService tasks = this.tasks;
		if (tasks == null) {
			return;
		}
		try {
			// On the task thread: the reading thread never runs application code.
			tasks.execute(() -> this.eventPublisher
				.publishEvent(new PigeonListenerReconnectedEvent(this, outageStart, outageEnd)));
		}
		catch (RejectedExecutionException ex) {
			// Shutting down: nobody is left to tell.
		}
	}

	/**
	 * Stop listening: close the connection, deliver what has been received and let listener
	 * calls finish within {@code pigeon.listener.shutdown-timeout}, then interrupt what is left.
	 */
	@Override
	public void stop() {
		synchronized (this.lifecycleMonitor) {
			if (!this.running) {
				return;
			}
			this.running = false;
			long deadline = System.nanoTime() + this.settings.shutdownTimeout().toNanos();
			try {
				stopReader(deadline);
				stopDispatchers(deadline);
				stopTasks(deadline);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				this.dispatchers.values().forEach(ChannelDispatcher::abandon);
				// Left running, the task thread would go on deleting overflow rows with a closed pool.
				ScheduledExecutorService tasks = this.tasks;
				if (tasks != null) {
					tasks.shutdownNow();
				}
			}
			finally {
				this.reader = null;
				this.tasks = null;
				this.dispatchers = Map.of();
			}
		}
	}

	private void stopReader(long deadline) throws InterruptedException {
		NotificationReader reader = this.reader;
		if (reader != null && !reader.stop(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
			logger.warn("Pigeon's " + NotificationReader.THREAD_NAME + " thread did not stop within "
					+ "pigeon.listener.shutdown-timeout (" + this.settings.shutdownTimeout() + ")");
		}
	}

	private void stopDispatchers(long deadline) throws InterruptedException {
		List<ChannelDispatcher> late = new ArrayList<>();
		for (ChannelDispatcher dispatcher : this.dispatchers.values()) {
			if (!dispatcher.stop(deadline)) {
				late.add(dispatcher);
			}
		}
		for (ChannelDispatcher dispatcher : late) {
			int discarded = dispatcher.abandon();
			logger.warn("Pigeon's listeners on channel '" + dispatcher.getChannel() + "' did not finish within "
					+ "pigeon.listener.shutdown-timeout (" + this.settings.shutdownTimeout() + "): interrupted, "
					+ discarded + " received notification(s) not delivered");
		}
		for (ChannelDispatcher dispatcher : late) {
			Thread stuck = dispatcher.awaitEnd(TimeUnit.SECONDS.toMillis(1));
			if (stuck != null) {
				logger.warn("Pigeon's thread " + stuck.getName() + " ignores interruption and is left running");
			}
		}
	}

	private void stopTasks(long deadline) throws InterruptedException {
		ScheduledExecutorService tasks = this.tasks;
		if (tasks == null) {
			return;
		}
		tasks.shutdown();
		if (!tasks.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
			tasks.shutdownNow();
		}
		// A terminated pool's last worker is still on its way out: join it so that no thread
		// outlives stop().
		for (Thread thread : this.taskThreads) {
			thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
		}
		this.taskThreads.removeIf((thread) -> !thread.isAlive());
	}

	@Override
	public void destroy() {
		stop();
	}

}
