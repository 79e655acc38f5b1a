package io.pigeon.internal.listener.durable;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.pigeon.internal.durable.DurableLogSql;
import io.pigeon.internal.durable.LogPosition;
import io.pigeon.internal.durable.LogReader;
import io.pigeon.internal.listener.AbstractListenerContainer;
import io.pigeon.internal.listener.DeliveryObserver;
import io.pigeon.internal.listener.InvalidPigeonListenerException;
import io.pigeon.internal.listener.ListenerEndpoint;
import io.pigeon.internal.listener.ListenerFailureHandler;
import io.pigeon.internal.listener.MethodListenerAdapter;
import io.pigeon.internal.listener.NotificationParser;
import io.pigeon.internal.listener.notify.ListenerConnectionFactory;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.task.TaskExecutor;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.ConcurrentTaskScheduler;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The durable delivery mode's container: a {@link SubscriptionWorker} per subscription (each
 * {@code @PigeonListener} method of a durable channel, so that two methods of a channel each
 * have their own position, retries and pace), on a thread of the listener {@link TaskExecutor};
 * their lease heartbeats on a {@link TaskScheduler} (the application's, or one of the
 * container's own with the daemon thread {@value #TASKS_THREAD_NAME}); and, with
 * {@code wake-up: notify}, the {@link WakeUpListener}'s connection.
 * <p>
 * {@link #start()} registers every subscription that does not exist yet (at the end of the log,
 * or at its beginning with {@code start-from: earliest}), refusing an id already registered for
 * another channel, LISTENs for wake-ups, then starts the workers, which take their leases and
 * catch up in the background. {@link #stop()} lets each worker finish its current event,
 * acknowledge, release its lease and wake the standbys, within the shutdown time-out.
 * <p>
 * Internal: not an API.
 */
class DurableListenerContainer extends AbstractListenerContainer {

	private static final Log logger = LogFactory.getLog(DurableListenerContainer.class);

	static final String TASKS_THREAD_NAME = "pigeon-durable-tasks";

	private static final String PRIMARY_KEY = "SELECT a.attname FROM pg_catalog.pg_constraint k"
			+ " JOIN pg_catalog.pg_class c ON c.oid = k.conrelid"
			+ " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
			+ " JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY (k.conkey)"
			+ " WHERE n.nspname = ? AND c.relname = ? AND k.contype = 'p'";

	private final DurableSettings settings;

	private final JdbcTemplate jdbc;

	private final @Nullable String schema;

	private final @Nullable ListenerConnectionFactory connectionFactory;

	private final JsonMapper jsonMapper;

	private final ListenerFailureHandler failureHandler;

	private final DurableMetrics metrics;

	private final ApplicationEventPublisher eventPublisher;

	private final TaskExecutor executor;

	private final @Nullable TaskScheduler taskScheduler;

	private final DeliveryObserver deliveryObserver;

	private final @Nullable TransactionTemplate transactions;

	private final String holder;

	private final List<SubscriptionWorker> workers = new CopyOnWriteArrayList<>();

	private final List<LaneAssignment> assignments = new CopyOnWriteArrayList<>();

	private List<KeyedTrigger> keyedTriggers = List.of();

	private final List<ScheduledFuture<?>> heartbeats = new CopyOnWriteArrayList<>();

	private volatile @Nullable ScheduledFuture<?> awaitingLog;

	private @Nullable WakeUpListener wakeUpListener;

	private @Nullable ScheduledThreadPoolExecutor ownTasks;

	DurableListenerContainer(List<ListenerEndpoint> endpoints, DurableSettings settings, JdbcTemplate jdbc,
			@Nullable String schema, @Nullable ListenerConnectionFactory connectionFactory, JsonMapper jsonMapper,
			ListenerFailureHandler failureHandler, DurableMetrics metrics, ApplicationEventPublisher eventPublisher,
			TaskExecutor executor, @Nullable TaskScheduler taskScheduler, DeliveryObserver deliveryObserver,
			@Nullable TransactionTemplate transactions) {
		super(endpoints, settings.shutdownTimeout());
		this.settings = settings;
		this.jdbc = jdbc;
		this.schema = schema;
		this.connectionFactory = connectionFactory;
		this.jsonMapper = jsonMapper;
		this.failureHandler = failureHandler;
		this.metrics = metrics;
		this.eventPublisher = eventPublisher;
		this.executor = executor;
		this.taskScheduler = taskScheduler;
		this.deliveryObserver = deliveryObserver;
		this.transactions = transactions;
		this.holder = holderName();
	}

	// pid@host, and a random part: two containers in one JVM (two contexts) are two holders.
	private static String holderName() {
		return ManagementFactory.getRuntimeMXBean().getName() + "#" + UUID.randomUUID().toString().substring(0, 8);
	}

	/**
	 * Return this instance's name in the leases.
	 * @return the holder
	 */
	String getHolder() {
		return this.holder;
	}

	/**
	 * Set the configured durable triggers, checked at start for the channels of subscriptions
	 * split into lanes.
	 * @param keyedTriggers the durable row-level triggers
	 */
	void setKeyedTriggers(List<KeyedTrigger> keyedTriggers) {
		this.keyedTriggers = List.copyOf(keyedTriggers);
	}

	@Override
	public int getPending(String channel) {
		return 0;
	}

	@Override
	protected void doStart() {
		getStatus().starting(List.copyOf(getChannels()));
		List<Subscription> subscriptions = subscriptions();
		DurableLogSql sql = new DurableLogSql(resolveSchema());
		LogReader reader = new LogReader(this.jdbc, sql);
		checkLaneKeys(subscriptions);
		boolean logExists = logExists(sql);
		if (logExists) {
			for (Subscription subscription : subscriptions) {
				register(subscription, sql, reader, false);
			}
		}
		TaskScheduler tasks = (this.taskScheduler != null) ? this.taskScheduler : createOwnTasks();
		NotificationParser parser = new NotificationParser(this.jsonMapper, (id) -> {
			throw new IllegalStateException("Durable events are stored whole and never refer to an overflow row");
		});
		DurableContext context = new DurableContext(this, this.holder, this.jdbc, sql, reader, this.settings, parser,
				this.failureHandler, this.metrics, this.eventPublisher, this.transactions);
		Map<String, List<SubscriptionWorker>> byChannel = new LinkedHashMap<>();
		for (Subscription subscription : subscriptions) {
			LaneAssignment assignment = null;
			if (subscription.lanes() > 1) {
				assignment = new LaneAssignment(subscription, context);
				this.assignments.add(assignment);
				LaneAssignment lanes = assignment;
				this.metrics.lanes(subscription.id(), subscription.channel(), lanes::held);
			}
			for (int lane = 0; lane < subscription.lanes(); lane++) {
				SubscriptionWorker worker = new SubscriptionWorker(subscription, lane, assignment, context);
				if (assignment != null) {
					assignment.add(worker);
				}
				this.workers.add(worker);
				byChannel.computeIfAbsent(subscription.channel(), (channel) -> new ArrayList<>()).add(worker);
			}
		}
		// LISTEN before the first read, so that no wake-up falls between the two.
		ListenerConnectionFactory connectionFactory = this.connectionFactory;
		if (this.settings.notifyWakeUp() && connectionFactory != null) {
			WakeUpListener listener = new WakeUpListener(connectionFactory, Collections.unmodifiableMap(byChannel),
					this.settings.pollInterval(), this.settings.reconnectInitialBackoff(),
					this.settings.reconnectMaxBackoff());
			this.wakeUpListener = listener;
			listener.start();
		}
		if (logExists) {
			startWorkers(tasks);
		}
		else {
			// The installer (an ApplicationRunner) creates the log after the listeners started.
			logger.info("Pigeon waits for its change log in schema '" + sql.schema() + "', which the installer creates, "
					+ "before it registers its durable subscriptions");
			this.awaitingLog = tasks.scheduleWithFixedDelay(() -> startOnceLogExists(subscriptions, sql, reader, tasks),
					Instant.now().plus(this.settings.pollInterval()), this.settings.pollInterval());
		}
		getStatus().listening(0);
	}

	private void startWorkers(TaskScheduler tasks) {
		Duration heartbeat = this.settings.heartbeatInterval();
		// Members before the first acquisition, so that the others make room at their next heartbeat.
		for (LaneAssignment assignment : this.assignments) {
			assignment.heartbeat();
			this.heartbeats.add(tasks.scheduleAtFixedRate(assignment::heartbeat, heartbeat));
		}
		for (SubscriptionWorker worker : this.workers) {
			this.executor.execute(worker);
			this.heartbeats.add(tasks.scheduleAtFixedRate(worker::heartbeat, heartbeat));
		}
	}

	/**
	 * Register the subscriptions and start their workers once the installer has created the log.
	 * The log did not exist when this container started, so everything in it was logged after the
	 * application started: a new subscription starts at its beginning and misses nothing.
	 */
	private synchronized void startOnceLogExists(List<Subscription> subscriptions, DurableLogSql sql, LogReader reader,
			TaskScheduler tasks) {
		ScheduledFuture<?> awaiting = this.awaitingLog;
		try {
			if (awaiting == null || !logExists(sql)) {
				return;
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Pigeon could not look for its change log: " + ex.getMessage() + "; retrying");
			return;
		}
		this.awaitingLog = null;
		awaiting.cancel(false);
		for (Subscription subscription : subscriptions) {
			try {
				register(subscription, sql, reader, true);
			}
			catch (RuntimeException ex) {
				logger.error("Pigeon could not register durable subscription '" + subscription.id() + "'", ex);
				this.workers.removeIf((worker) -> worker.getSubscription() == subscription);
				this.assignments.removeIf((assignment) -> assignment.getSubscription() == subscription);
			}
		}
		startWorkers(tasks);
	}

	private boolean logExists(DurableLogSql sql) {
		Boolean exists = this.jdbc.queryForObject("SELECT to_regclass(?) IS NOT NULL", Boolean.class,
				sql.qualified(DurableLogSql.DEAD_LETTER));
		return Boolean.TRUE.equals(exists);
	}

	private List<Subscription> subscriptions() {
		List<Subscription> subscriptions = new ArrayList<>();
		for (ListenerEndpoint endpoint : getEndpoints()) {
			boolean transactional = transactional(endpoint);
			for (String channel : endpoint.channels()) {
				Integer concurrency = endpoint.concurrency();
				int lanes = (concurrency != null) ? concurrency : this.settings.concurrency();
				subscriptions.add(new Subscription(endpoint.id(), channel, endpoint,
						new MethodListenerAdapter(endpoint, this.jsonMapper, this.deliveryObserver), transactional,
						lanes));
			}
		}
		return subscriptions;
	}

	private boolean transactional(ListenerEndpoint endpoint) {
		Boolean transactional = endpoint.transactional();
		if (transactional == null) {
			return this.transactions != null;
		}
		if (transactional && this.transactions == null) {
			throw new InvalidPigeonListenerException(endpoint.method(), "on bean '" + endpoint.beanName()
					+ "' has transactional 'true', but the application has no PlatformTransactionManager for "
					+ "Pigeon's DataSource: define one (a DataSourceTransactionManager on that DataSource)"
					+ ", or set transactional to 'false' or leave it empty");
		}
		return transactional;
	}

	private String resolveSchema() {
		if (this.schema != null) {
			return this.schema;
		}
		String current = this.jdbc.queryForObject("SELECT current_schema()", String.class);
		if (current == null) {
			throw new IllegalStateException("Pigeon's connection has no current schema: set pigeon.install.schema");
		}
		return current;
	}

	/**
	 * A subscription split into lanes needs every trigger of its channel to write a lane key:
	 * without one every event would be read by lane 0 and the others would idle.
	 */
	private void checkLaneKeys(List<Subscription> subscriptions) {
		List<String> problems = new ArrayList<>();
		ListenerEndpoint first = null;
		for (Subscription subscription : subscriptions) {
			if (subscription.lanes() < 2) {
				continue;
			}
			for (KeyedTrigger trigger : this.keyedTriggers) {
				if (!trigger.channel().equals(subscription.channel()) || trigger.keyConfigured()) {
					continue;
				}
				List<String> primaryKey = this.jdbc.queryForList(PRIMARY_KEY, String.class, trigger.schema(),
						trigger.table());
				if (primaryKey.isEmpty()) {
					first = (first != null) ? first : subscription.endpoint();
					problems.add("subscription '" + subscription.id() + "' has concurrency " + subscription.lanes()
							+ ", but the table \"" + trigger.schema() + "\".\"" + trigger.table() + "\" of "
							+ trigger.path() + " has no primary key to split its changes by: set " + trigger.path()
							+ ".key to the columns that identify what must stay in order (e.g. [customer_id]), or "
							+ "remove concurrency");
				}
			}
		}
		if (first != null) {
			throw new InvalidPigeonListenerException(first.method(), "on bean '" + first.beanName() + "': "
					+ String.join("; ", problems));
		}
	}

	private void register(Subscription subscription, DurableLogSql sql, LogReader reader, boolean newLog) {
		String id = subscription.id();
		String existing = channelOf(sql, id);
		int lanes = subscription.lanes();
		if (existing == null) {
			LogPosition start = (newLog || this.settings.startFromEarliest()) ? LogPosition.beginning() : reader.end();
			// every lane at the same position, in one statement, so that two instances registering
			// the subscription at once cannot start its lanes at different places
			this.jdbc.update(sql.registerLanes(), id, subscription.channel(), start.snapshot(), start.lowerId(), lanes);
			existing = channelOf(sql, id);
			logger.debug("Pigeon registered subscription '" + id + "' on channel '" + subscription.channel() + "'"
					+ ((lanes > 1) ? " with " + lanes + " lanes" : ""));
		}
		Long registered = this.jdbc.queryForObject(sql.laneCount(), Long.class, id);
		if (existing != null && existing.equals(subscription.channel()) && registered != null
				&& registered != lanes) {
			ListenerEndpoint endpoint = subscription.endpoint();
			throw new InvalidPigeonListenerException(endpoint.method(), "on bean '" + endpoint.beanName()
					+ "' is the durable subscription '" + id + "' with concurrency " + lanes + ", but it is registered"
					+ " with " + registered + " lane(s) in " + sql.qualified(DurableLogSql.SUBSCRIPTION) + ": the "
					+ "number of lanes of a subscription cannot change while it has positions, because its lanes "
					+ "stand at different places in the log. To change it: keep concurrency " + registered + " until "
					+ "the subscription has caught up (its lag is zero) and stop every instance; delete its rows "
					+ "(DELETE FROM " + sql.qualified(DurableLogSql.SUBSCRIPTION) + " WHERE id = '" + id + "', and "
					+ "the same in " + sql.qualified(DurableLogSql.SUBSCRIPTION_LEASE) + " WHERE subscription = '"
					+ id + "'); then start with the new concurrency: the subscription is registered again at the end "
					+ "of the log. Changes written while no instance ran it are delivered only if you then call "
					+ "PigeonSubscriptions.seek('" + id + "', <the time you stopped>), which replays them at least "
					+ "once");
		}
		for (int lane = 0; lane < lanes; lane++) {
			this.jdbc.update(sql.registerLease(), id, lane);
		}
		if (existing != null && !existing.equals(subscription.channel())) {
			ListenerEndpoint endpoint = subscription.endpoint();
			throw new InvalidPigeonListenerException(endpoint.method(), "on bean '" + endpoint.beanName()
					+ "' is the durable subscription '" + id + "' on channel '" + subscription.channel()
					+ "', but a subscription of that id is registered for channel '" + existing + "' in "
					+ sql.qualified(DurableLogSql.SUBSCRIPTION) + ": give the listener another id, or delete the "
					+ "old subscription's rows if it is no longer used");
		}
	}

	private @Nullable String channelOf(DurableLogSql sql, String id) {
		List<String> channels = this.jdbc.queryForList(sql.subscriptionChannel(), String.class, id, 0);
		return channels.isEmpty() ? null : channels.get(0);
	}

	private TaskScheduler createOwnTasks() {
		ScheduledThreadPoolExecutor tasks = new ScheduledThreadPoolExecutor(1, (runnable) -> {
			Thread thread = new Thread(runnable, TASKS_THREAD_NAME);
			// Not daemon: while it waits for the log, nothing else keeps a listening application up.
			thread.setDaemon(false);
			return thread;
		});
		tasks.setRemoveOnCancelPolicy(true);
		tasks.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		this.ownTasks = tasks;
		return new ConcurrentTaskScheduler(tasks);
	}

	@Override
	protected void doStop(long deadlineNanos) throws InterruptedException {
		cancelAwaitingLog();
		this.workers.forEach(SubscriptionWorker::stop);
		List<SubscriptionWorker> late = new ArrayList<>();
		for (SubscriptionWorker worker : this.workers) {
			if (!worker.awaitEnd(deadlineNanos)) {
				late.add(worker);
			}
		}
		for (SubscriptionWorker worker : late) {
			logger.warn("Pigeon subscription " + worker.getName() + " did not finish its event within "
					+ "pigeon.listener.shutdown-timeout (" + getShutdownTimeout() + "): interrupted; the event is "
					+ "delivered again by the next holder");
			worker.interrupt();
		}
		for (SubscriptionWorker worker : late) {
			worker.awaitEnd(System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
		}
		stopRest(deadlineNanos);
	}

	private void stopRest(long deadlineNanos) throws InterruptedException {
		this.heartbeats.forEach((heartbeat) -> heartbeat.cancel(false));
		this.heartbeats.clear();
		// after the heartbeats, which would record this instance again
		this.assignments.forEach(LaneAssignment::leave);
		WakeUpListener listener = this.wakeUpListener;
		if (listener != null) {
			listener.stop(Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(100), deadlineNanos - System.nanoTime())));
		}
		ScheduledThreadPoolExecutor tasks = this.ownTasks;
		if (tasks != null) {
			tasks.shutdownNow();
			tasks.awaitTermination(1, TimeUnit.SECONDS);
		}
		clear();
	}

	private synchronized void cancelAwaitingLog() {
		ScheduledFuture<?> awaiting = this.awaitingLog;
		if (awaiting != null) {
			awaiting.cancel(false);
			this.awaitingLog = null;
		}
	}

	@Override
	protected void doAbandon() {
		cancelAwaitingLog();
		this.workers.forEach(SubscriptionWorker::interrupt);
		this.heartbeats.forEach((heartbeat) -> heartbeat.cancel(true));
		ScheduledThreadPoolExecutor tasks = this.ownTasks;
		if (tasks != null) {
			tasks.shutdownNow();
		}
		clear();
	}

	private void clear() {
		this.workers.clear();
		this.assignments.clear();
		this.heartbeats.clear();
		this.wakeUpListener = null;
		this.ownTasks = null;
		getStatus().stopped();
	}

}
