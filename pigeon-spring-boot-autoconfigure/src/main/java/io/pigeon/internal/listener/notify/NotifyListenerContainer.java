package io.pigeon.internal.listener.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.pigeon.PigeonListenerReconnectedEvent;
import io.pigeon.internal.listener.AbstractListenerContainer;
import io.pigeon.internal.listener.DeliveryObserver;
import io.pigeon.internal.listener.ListenerEndpoint;
import io.pigeon.internal.listener.ListenerFailureHandler;
import io.pigeon.internal.listener.ListenerInvocationObserver;
import io.pigeon.internal.listener.ListenerMetrics;
import io.pigeon.internal.listener.MethodListenerAdapter;
import io.pigeon.internal.listener.NotificationParser;
import io.pigeon.internal.listener.notify.ListenerConnection.ResumePoint;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.task.TaskExecutor;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.ConcurrentTaskScheduler;

/**
 * The notify delivery mode's container: one dedicated LISTEN connection read by the one
 * {@link NotificationReader} thread, and a {@link ChannelDispatcher} per channel that calls the
 * channel's listener methods on a thread of the dispatch {@link TaskExecutor}. Its other work
 * (announcing reconnections and dropped notifications) runs on
 * a {@link TaskScheduler}: the application's when it supplies one, otherwise one the container
 * creates for its run, with the single daemon thread {@value #TASKS_THREAD_NAME}, and ends when
 * it stops.
 * <p>
 * {@link #start()} returns once LISTEN has been executed and committed on every channel (or the
 * first attempt has failed without {@code failFast}: the reader then keeps reconnecting).
 * {@link #stop()} stops reading first, then lets each channel deliver what it has received
 * within the shutdown time-out, then interrupts what is left, and joins every thread it started.
 *
 * @since 0.1.0
 */
class NotifyListenerContainer extends AbstractListenerContainer {

	private static final Log logger = LogFactory.getLog(NotifyListenerContainer.class);

	static final String TASKS_THREAD_NAME = "pigeon-listener-tasks";

	private final ListenerConnectionFactory connectionFactory;

	private final ListenerSettings settings;

	private final JsonMapper jsonMapper;

	private final OverflowPayloadStore overflowStore;

	private final ListenerMetrics metrics;

	private final ListenerFailureHandler failureHandler;

	private final DeliveryObserver deliveryObserver;

	private final ApplicationEventPublisher eventPublisher;

	private final TaskExecutor dispatchExecutor;

	private final @Nullable TaskScheduler taskScheduler;

	private final @Nullable ListenerInvocationObserver observer;

	private volatile Map<String, ChannelDispatcher> dispatchers = Map.of();

	private volatile @Nullable TaskScheduler tasks;

	private @Nullable NotificationReader reader;

	private @Nullable ScheduledThreadPoolExecutor ownTasks;

	private final List<Thread> ownTaskThreads = new CopyOnWriteArrayList<>();

	NotifyListenerContainer(List<ListenerEndpoint> endpoints, ListenerConnectionFactory connectionFactory,
			ListenerSettings settings, JsonMapper jsonMapper, OverflowPayloadStore overflowStore,
			ListenerMetrics metrics, ListenerFailureHandler failureHandler,
			ApplicationEventPublisher eventPublisher, TaskExecutor dispatchExecutor,
			@Nullable TaskScheduler taskScheduler, DeliveryObserver deliveryObserver,
			@Nullable ListenerInvocationObserver observer) {
		super(endpoints, settings.shutdownTimeout());
		this.connectionFactory = connectionFactory;
		this.settings = settings;
		this.jsonMapper = jsonMapper;
		this.overflowStore = overflowStore;
		this.metrics = metrics;
		this.failureHandler = failureHandler;
		this.eventPublisher = eventPublisher;
		this.dispatchExecutor = dispatchExecutor;
		this.taskScheduler = taskScheduler;
		this.deliveryObserver = deliveryObserver;
		this.observer = observer;
	}

	@Override
	public int getPending(String channel) {
		ChannelDispatcher dispatcher = this.dispatchers.get(channel);
		return (dispatcher != null) ? dispatcher.getPending() : 0;
	}

	/**
	 * Start listening, returning once LISTEN is committed on every channel. When the first
	 * connection attempt fails, start-up fails with a {@link ListenerStartupException} if
	 * {@code failFast} is set; otherwise the failure is logged and the reader keeps reconnecting
	 * in the background.
	 */
	@Override
	protected void doStart() {
		TaskScheduler tasks = (this.taskScheduler != null) ? this.taskScheduler : createOwnTasks();
		this.tasks = tasks;
		Map<String, ChannelDispatcher> dispatchers = createDispatchers(tasks);
		this.dispatchers = dispatchers;
		dispatchers.values().forEach((dispatcher) -> dispatcher.start(this.dispatchExecutor));
		NotificationReader reader = new NotificationReader(this.connectionFactory, dispatchers, this.settings,
				getStatus(), this::publishReconnected, tasks);
		this.reader = reader;
		try {
			reader.start().join();
		}
		catch (CompletionException ex) {
			if (this.settings.failFast()) {
				throw new ListenerStartupException(this.connectionFactory.getDisplayUrl(), ex.getCause());
			}
			// The reader logs the outage and keeps retrying: the application starts without it.
		}
	}

	private TaskScheduler createOwnTasks() {
		ScheduledThreadPoolExecutor tasks = new ScheduledThreadPoolExecutor(1, (runnable) -> {
			Thread thread = new Thread(runnable, TASKS_THREAD_NAME);
			thread.setDaemon(true);
			this.ownTaskThreads.add(thread);
			return thread;
		});
		tasks.setRemoveOnCancelPolicy(true);
		tasks.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		this.ownTasks = tasks;
		return new ConcurrentTaskScheduler(tasks);
	}

	private Map<String, ChannelDispatcher> createDispatchers(TaskScheduler tasks) {
		NotificationParser parser = new NotificationParser(this.jsonMapper, this.overflowStore::load);
		DroppedNotificationsReporter dropReporter = new DroppedNotificationsReporter(tasks, this.eventPublisher, this,
				this.settings.queueCapacity());
		Map<String, ChannelDispatcher> dispatchers = new LinkedHashMap<>();
		for (String channel : getChannels()) {
			List<MethodListenerAdapter> listeners = new ArrayList<>();
			for (ListenerEndpoint endpoint : getEndpoints()) {
				if (endpoint.channels().contains(channel)) {
					listeners.add(new MethodListenerAdapter(endpoint, this.jsonMapper, this.deliveryObserver));
				}
			}
			dispatchers.put(channel, new ChannelDispatcher(channel, listeners, this.settings.queueCapacity(), parser,
					this.metrics.channel(channel), dropReporter.forChannel(channel), this.failureHandler,
					this.observer));
		}
		return Collections.unmodifiableMap(dispatchers);
	}

	private void publishReconnected(Instant outageStart, Instant outageEnd, Instant lastKnownGood,
			ResumePoint resumePoint) {
		this.metrics.reconnected();
		TaskScheduler tasks = this.tasks;
		if (tasks == null) {
			return;
		}
		try {
			// On the task thread: the reading thread never runs application code.
			tasks.schedule(LoggedTasks.once("publishing a PigeonListenerReconnectedEvent (an @EventListener threw)",
					() -> this.eventPublisher
						.publishEvent(new PigeonListenerReconnectedEvent(this, outageStart, outageEnd, lastKnownGood,
								resumePoint.snapshot(), resumePoint.databaseTime()))),
					Instant.now());
		}
		catch (RejectedExecutionException ex) {
			// Shutting down: nobody is left to tell.
		}
	}

	@Override
	protected void doStop(long deadlineNanos) throws InterruptedException {
		stopReader(deadlineNanos);
		stopDispatchers(deadlineNanos);
		stopTasks(deadlineNanos);
		clear();
	}

	private void stopReader(long deadline) throws InterruptedException {
		NotificationReader reader = this.reader;
		if (reader != null && !reader.stop(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
			logger.warn("Pigeon's " + NotificationReader.THREAD_NAME + " thread did not stop within "
					+ "pigeon.listener.shutdown-timeout (" + getShutdownTimeout() + ")");
		}
	}

	private void stopDispatchers(long deadline) throws InterruptedException {
		List<ChannelDispatcher> late = new ArrayList<>();
		// Close every buffer before waiting for any: closed one after another, a slow channel
		// would spend the whole time-out while the others, still open, count as late.
		for (ChannelDispatcher dispatcher : this.dispatchers.values()) {
			dispatcher.stop(System.nanoTime());
		}
		for (ChannelDispatcher dispatcher : this.dispatchers.values()) {
			if (!dispatcher.stop(deadline)) {
				late.add(dispatcher);
			}
		}
		for (ChannelDispatcher dispatcher : late) {
			int discarded = dispatcher.abandon();
			logger.warn("Pigeon's listeners on channel '" + dispatcher.getChannel() + "' did not finish within "
					+ "pigeon.listener.shutdown-timeout (" + getShutdownTimeout() + "): interrupted, " + discarded
					+ " received notification(s) not delivered");
		}
		for (ChannelDispatcher dispatcher : late) {
			Thread stuck = dispatcher.awaitEnd(TimeUnit.SECONDS.toMillis(1));
			if (stuck != null) {
				logger.warn("Pigeon's thread " + stuck.getName() + " ignores interruption and is left running");
			}
		}
	}

	private void stopTasks(long deadline) throws InterruptedException {
		ScheduledThreadPoolExecutor tasks = this.ownTasks;
		if (tasks == null) {
			// The application's scheduler: its threads are the application's to end.
			return;
		}
		tasks.shutdown();
		if (!tasks.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
			tasks.shutdownNow();
		}
		// A terminated pool's last worker is still on its way out: join it so that no thread
		// outlives stop().
		for (Thread thread : this.ownTaskThreads) {
			thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
		}
		this.ownTaskThreads.removeIf((thread) -> !thread.isAlive());
	}

	@Override
	protected void doAbandon() {
		this.dispatchers.values().forEach(ChannelDispatcher::abandon);
		ScheduledThreadPoolExecutor tasks = this.ownTasks;
		if (tasks != null) {
			tasks.shutdownNow();
		}
		clear();
	}

	private void clear() {
		this.reader = null;
		this.tasks = null;
		this.ownTasks = null;
		this.dispatchers = Map.of();
	}

}
