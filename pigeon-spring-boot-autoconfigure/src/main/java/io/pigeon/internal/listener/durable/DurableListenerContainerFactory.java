package io.pigeon.internal.listener.durable;

import java.util.List;

import io.pigeon.PigeonErrorHandler;
import io.pigeon.internal.listener.DeliveryObserver;
import io.pigeon.internal.listener.ListenerContainer;
import io.pigeon.internal.listener.ListenerContainerFactory;
import io.pigeon.internal.listener.ListenerEndpoint;
import io.pigeon.internal.listener.ListenerFailureHandler;
import io.pigeon.internal.listener.notify.ListenerConnectionFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.task.TaskExecutor;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Creates {@link DurableListenerContainer durable containers}, handing each the collaborators
 * and executors it is configured with.
 * <p>
 * Internal: not an API.
 */
public class DurableListenerContainerFactory implements ListenerContainerFactory {

	private final DurableSettings settings;

	private final JdbcTemplate jdbc;

	private final @Nullable String schema;

	private final @Nullable ListenerConnectionFactory connectionFactory;

	private final JsonMapper jsonMapper;

	private final @Nullable PigeonErrorHandler errorHandler;

	private final DurableMetrics metrics;

	private final ApplicationEventPublisher eventPublisher;

	private final TaskExecutor executor;

	private final @Nullable TaskScheduler taskScheduler;

	private final DeliveryObserver deliveryObserver;

	private final @Nullable TransactionTemplate transactions;

	private List<KeyedTrigger> keyedTriggers = List.of();

	/**
	 * Create a new factory.
	 * @param settings how the containers behave
	 * @param jdbc Pigeon's DataSource
	 * @param schema the schema of Pigeon's log, or {@code null} for the connection's current one
	 * @param connectionFactory opens the wake-up connection, or {@code null} to poll only
	 * @param jsonMapper binds payloads to listener parameters
	 * @param errorHandler told of listener failures, or {@code null}
	 * @param metrics receives measurements
	 * @param eventPublisher publishes Pigeon's application events
	 * @param executor runs each subscription's worker, one long-running task per subscription
	 * @param taskScheduler runs the lease heartbeats, or {@code null} for a scheduler of the
	 * container's own that ends with it
	 * @param deliveryObserver told of each listener method call
	 * @param transactions runs transactional listeners with their acknowledgement, or
	 * {@code null} when the application has no transaction manager for Pigeon's DataSource
	 */
	public DurableListenerContainerFactory(DurableSettings settings, JdbcTemplate jdbc, @Nullable String schema,
			@Nullable ListenerConnectionFactory connectionFactory, JsonMapper jsonMapper,
			@Nullable PigeonErrorHandler errorHandler, DurableMetrics metrics, ApplicationEventPublisher eventPublisher,
			TaskExecutor executor, @Nullable TaskScheduler taskScheduler, DeliveryObserver deliveryObserver,
			@Nullable TransactionTemplate transactions) {
		this.settings = settings;
		this.jdbc = jdbc;
		this.schema = schema;
		this.connectionFactory = connectionFactory;
		this.jsonMapper = jsonMapper;
		this.errorHandler = errorHandler;
		this.metrics = metrics;
		this.eventPublisher = eventPublisher;
		this.executor = executor;
		this.taskScheduler = taskScheduler;
		this.deliveryObserver = deliveryObserver;
		this.transactions = transactions;
	}

	/**
	 * Set the configured durable triggers, against which a subscription split into lanes is
	 * checked at start: each trigger of its channel must write a lane key.
	 * @param keyedTriggers the durable row-level triggers
	 */
	public void setKeyedTriggers(List<KeyedTrigger> keyedTriggers) {
		this.keyedTriggers = List.copyOf(keyedTriggers);
	}

	@Override
	public ListenerContainer createContainer(List<ListenerEndpoint> endpoints) {
		DurableListenerContainer container = new DurableListenerContainer(endpoints, this.settings, this.jdbc,
				this.schema, this.connectionFactory, this.jsonMapper, new ListenerFailureHandler(this.errorHandler),
				this.metrics, this.eventPublisher, this.executor, this.taskScheduler, this.deliveryObserver,
				this.transactions);
		container.setKeyedTriggers(this.keyedTriggers);
		return container;
	}

}
