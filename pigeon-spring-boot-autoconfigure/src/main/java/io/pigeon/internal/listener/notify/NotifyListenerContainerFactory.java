package io.pigeon.internal.listener.notify;

import java.util.List;

import io.pigeon.PigeonErrorHandler;
import io.pigeon.internal.listener.DeliveryObserver;
import io.pigeon.internal.listener.ListenerContainer;
import io.pigeon.internal.listener.ListenerContainerFactory;
import io.pigeon.internal.listener.ListenerEndpoint;
import io.pigeon.internal.listener.ListenerFailureHandler;
import io.pigeon.internal.listener.ListenerInvocationObserver;
import io.pigeon.internal.listener.ListenerMetrics;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.task.TaskExecutor;
import org.springframework.scheduling.TaskScheduler;

/**
 * Creates {@link NotifyListenerContainer notify containers}, handing each the collaborators and
 * executors it is configured with.
 *
 * @since 0.1.0
 */
public class NotifyListenerContainerFactory implements ListenerContainerFactory {

	private final ListenerConnectionFactory connectionFactory;

	private final ListenerSettings settings;

	private final JsonMapper jsonMapper;

	private final OverflowPayloadStore overflowStore;

	private final ListenerMetrics metrics;

	private final @Nullable PigeonErrorHandler errorHandler;

	private final ApplicationEventPublisher eventPublisher;

	private final TaskExecutor dispatchExecutor;

	private final @Nullable TaskScheduler taskScheduler;

	private final DeliveryObserver deliveryObserver;

	private @Nullable ListenerInvocationObserver observer;

	/**
	 * Create a new factory.
	 * @param connectionFactory opens the listener connection
	 * @param settings how the containers behave
	 * @param jsonMapper binds payloads to listener parameters
	 * @param overflowStore resolves overflow references
	 * @param metrics receives measurements
	 * @param errorHandler told of listener failures, or {@code null}
	 * @param eventPublisher publishes Pigeon's application events
	 * @param dispatchExecutor runs each channel's dispatcher, one long-running task per channel
	 * @param taskScheduler runs Pigeon's events, or {@code null} for a scheduler of the
	 * container's own that ends with it
	 * @param deliveryObserver told of each listener method call
	 */
	public NotifyListenerContainerFactory(ListenerConnectionFactory connectionFactory, ListenerSettings settings,
			JsonMapper jsonMapper, OverflowPayloadStore overflowStore, ListenerMetrics metrics,
			@Nullable PigeonErrorHandler errorHandler,
			ApplicationEventPublisher eventPublisher, TaskExecutor dispatchExecutor,
			@Nullable TaskScheduler taskScheduler, DeliveryObserver deliveryObserver) {
		this.connectionFactory = connectionFactory;
		this.settings = settings;
		this.jsonMapper = jsonMapper;
		this.overflowStore = overflowStore;
		this.metrics = metrics;
		this.errorHandler = errorHandler;
		this.eventPublisher = eventPublisher;
		this.dispatchExecutor = dispatchExecutor;
		this.taskScheduler = taskScheduler;
		this.deliveryObserver = deliveryObserver;
	}

	/**
	 * Set what observes each listener call, like spring-kafka's
	 * {@code ContainerProperties#setObservationEnabled}.
	 * @param observer the observer, or {@code null} to call listener methods unobserved
	 */
	public void setInvocationObserver(@Nullable ListenerInvocationObserver observer) {
		this.observer = observer;
	}

	@Override
	public ListenerContainer createContainer(List<ListenerEndpoint> endpoints) {
		return new NotifyListenerContainer(endpoints, this.connectionFactory, this.settings, this.jsonMapper,
				this.overflowStore, this.metrics, new ListenerFailureHandler(this.errorHandler),
				this.eventPublisher, this.dispatchExecutor, this.taskScheduler, this.deliveryObserver, this.observer);
	}

}
