package io.pigeon.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import io.pigeon.PigeonErrorHandler;
import io.pigeon.PigeonTemplate;
import io.pigeon.TriggerDelivery;
import io.pigeon.TriggerLevel;
import io.pigeon.internal.install.TriggerConfiguration;
import io.pigeon.internal.listener.DeliveryObserver;
import io.pigeon.internal.listener.ListenerContainerFactory;
import io.pigeon.internal.listener.ListenerInvocationObserver;
import io.pigeon.internal.listener.ListenerMetrics;
import io.pigeon.internal.listener.PigeonListenerAnnotationBeanPostProcessor;
import io.pigeon.internal.listener.PigeonListenerEndpointRegistry;
import io.pigeon.internal.listener.durable.DurableListenerContainerFactory;
import io.pigeon.internal.listener.durable.DurableMetrics;
import io.pigeon.internal.listener.durable.DurableSettings;
import io.pigeon.internal.listener.durable.KeyedTrigger;
import io.pigeon.internal.listener.notify.ListenerConnectionFactory;
import io.pigeon.internal.listener.notify.ListenerSettings;
import io.pigeon.internal.listener.notify.NotifyListenerContainerFactory;
import io.pigeon.internal.listener.notify.OverflowPayloadStore;
import io.pigeon.internal.listener.notify.PgjdbcNotificationLatencyTuner;
import io.pigeon.internal.sql.TriggerDefinition;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.thread.Threading;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.core.task.TaskExecutor;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.ResourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.StringUtils;

/**
 * Auto-configuration for Pigeon's listener: the dedicated LISTEN connection, the
 * {@code @PigeonListener} infrastructure, and {@link PigeonTemplate} for sending.
 * <p>
 * Listener methods are called on threads of the {@link TaskExecutor} bean named
 * {@value #LISTENER_TASK_EXECUTOR_BEAN_NAME} when the application defines one (it must have a
 * thread for each channel for as long as the listener runs), otherwise on a
 * {@link SimpleAsyncTaskExecutor} of Pigeon's own with a {@code pigeon-channel-<channel>} daemon
 * thread per channel, virtual when {@code spring.threads.virtual.enabled} is set. Pigeon's events
 * (and the overflow clean-up, see {@code PigeonOverflowConfiguration}) run on the {@link TaskScheduler} bean named
 * {@value #LISTENER_TASK_SCHEDULER_BEAN_NAME} when the application defines one, otherwise on a
 * {@code pigeon-listener-tasks} thread that lives as long as the listener. Pigeon's defaults are
 * not beans, so that Spring Boot's own executor and scheduler do not back off because of them;
 * the application's beans are neither shut down nor joined by Pigeon. The reading thread is
 * always Pigeon's own {@code pigeon-listener} platform thread.
 * <p>
 * Channels whose triggers have {@code delivery: durable} (or that {@code pigeon.durable.channels}
 * names) are delivered by a second container, with a worker per subscription on the same
 * executor ({@code pigeon-durable-<n>} daemon threads by default) and lease heartbeats on the
 * same scheduler ({@code pigeon-durable-tasks} by default). A durable listener runs in a
 * transaction with its acknowledgement when a {@link PlatformTransactionManager} manages
 * Pigeon's DataSource.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = { PigeonAutoConfiguration.class, DataSourceAutoConfiguration.class,
		JacksonAutoConfiguration.class })
@ConditionalOnBooleanProperty(name = "pigeon.enabled", matchIfMissing = true)
@ConditionalOnBean(DataSource.class)
@EnableConfigurationProperties(PigeonProperties.class)
@Import(PigeonDatabaseConfiguration.class)
public final class PigeonListenerAutoConfiguration {

	/**
	 * The name of the {@link TaskExecutor} bean whose threads call listener methods.
	 */
	public static final String LISTENER_TASK_EXECUTOR_BEAN_NAME = "pigeonListenerTaskExecutor";

	/**
	 * The name of the optional {@link TaskScheduler} bean that runs Pigeon's events and the
	 * overflow clean-up.
	 */
	public static final String LISTENER_TASK_SCHEDULER_BEAN_NAME = "pigeonListenerTaskScheduler";

	@Bean
	@ConditionalOnMissingBean
	PigeonTemplate pigeonTemplate(PigeonDatabase database, ObjectProvider<JsonMapper> jsonMapper) {
		return new PigeonTemplate(database.jdbcTemplate(), jsonMapper.getIfAvailable(JsonMapper::shared));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty(name = "pigeon.listener.enabled", matchIfMissing = true)
	static class ListenerConfiguration {

		// A second post-processor would register every listener method twice: a user's replaces ours.
		@Bean
		@ConditionalOnMissingBean
		static PigeonListenerAnnotationBeanPostProcessor pigeonListenerAnnotationBeanPostProcessor() {
			return new PigeonListenerAnnotationBeanPostProcessor();
		}

		@Bean
		@ConditionalOnMissingBean
		ListenerConnectionFactory pigeonListenerConnectionFactory(PigeonProperties properties, PigeonDatabase database,
				ObjectProvider<JdbcConnectionDetails> connectionDetails) {
			PigeonProperties.Listener listener = properties.getListener();
			ListenerPropertiesValidator.validateConnection(listener);
			JdbcConnectionDetails details = database.connectionDetails(connectionDetails);
			return new ListenerConnectionFactory(
					firstNonNull(listener.getUrl(), (details != null) ? details.getJdbcUrl() : null),
					firstNonNull(listener.getUsername(), (details != null) ? details.getUsername() : null),
					firstNonNull(listener.getPassword(), (details != null) ? details.getPassword() : null),
					listener.getValidationTimeout(), new PgjdbcNotificationLatencyTuner());
		}

		private static @Nullable String firstNonNull(@Nullable String value, @Nullable String fallback) {
			return (value != null) ? value : fallback;
		}

		@Bean
		@ConditionalOnMissingBean
		ListenerContainerFactory pigeonListenerContainerFactory(PigeonProperties properties,
				ListenerConnectionFactory connectionFactory, OverflowPayloadStore overflowStore,
				ObjectProvider<JsonMapper> jsonMapper,
				ObjectProvider<ListenerMetrics> metrics, ObjectProvider<PigeonErrorHandler> errorHandler,
				ApplicationEventPublisher eventPublisher, Environment environment,
				@Qualifier(LISTENER_TASK_EXECUTOR_BEAN_NAME) ObjectProvider<TaskExecutor> dispatchExecutor,
				@Qualifier(LISTENER_TASK_SCHEDULER_BEAN_NAME) ObjectProvider<TaskScheduler> taskScheduler,
				ObjectProvider<DeliveryObserver> deliveryObservers,
				ObjectProvider<ListenerInvocationObserver> invocationObserver) {
			ListenerSettings settings = ListenerPropertiesValidator.settings(properties.getListener());
			NotifyListenerContainerFactory factory = new NotifyListenerContainerFactory(connectionFactory, settings,
					jsonMapper.getIfAvailable(JsonMapper::shared), overflowStore,
					metrics.getIfAvailable(() -> ListenerMetrics.NONE), errorHandler.getIfAvailable(), eventPublisher,
					dispatchExecutor.getIfAvailable(() -> defaultDispatchExecutor(environment)),
					taskScheduler.getIfAvailable(), DeliveryObserver.of(deliveryObservers.orderedStream().toList()));
			factory.setInvocationObserver(invocationObserver.getIfAvailable());
			return factory;
		}

		// Not a bean: Spring Boot's applicationTaskExecutor backs off when any Executor bean exists.
		private static TaskExecutor defaultDispatchExecutor(Environment environment) {
			SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("pigeon-channel-");
			// Like the threads it replaced: a listener still running never holds the JVM open.
			executor.setDaemon(true);
			executor.setVirtualThreads(Threading.VIRTUAL.isActive(environment));
			return executor;
		}

		@Bean
		@ConditionalOnMissingBean
		PigeonListenerEndpointRegistry pigeonListenerEndpointRegistry(ListenerContainerFactory containerFactory,
				PigeonProperties properties, PigeonDatabase database, ListenerConnectionFactory connectionFactory,
				ObjectProvider<JsonMapper> jsonMapper, ObjectProvider<DurableMetrics> metrics,
				ObjectProvider<PigeonErrorHandler> errorHandler, ApplicationEventPublisher eventPublisher,
				Environment environment,
				@Qualifier(LISTENER_TASK_EXECUTOR_BEAN_NAME) ObjectProvider<TaskExecutor> executor,
				@Qualifier(LISTENER_TASK_SCHEDULER_BEAN_NAME) ObjectProvider<TaskScheduler> taskScheduler,
				ObjectProvider<DeliveryObserver> deliveryObservers,
				ObjectProvider<PlatformTransactionManager> transactionManagers) {
			Set<String> durableChannels = durableChannels(properties);
			if (durableChannels.isEmpty()) {
				return new PigeonListenerEndpointRegistry(containerFactory);
			}
			PigeonProperties.Durable durable = properties.getDurable();
			PigeonProperties.Listener listener = properties.getListener();
			ListenerPropertiesValidator.settings(listener);
			validateDurable(durable);
			DurableSettings settings = new DurableSettings(durable.getBatchSize(), durable.getPollInterval(),
					durable.getWakeUp() == PigeonProperties.Durable.WakeUp.NOTIFY, durable.getLeaseTimeout(),
					durable.getStartFrom() == PigeonProperties.Durable.StartPosition.EARLIEST,
					durable.getRetry().getMaxAttempts(), durable.getRetry().getInitialBackoff(),
					durable.getRetry().getMultiplier(), durable.getRetry().getMaxBackoff(),
					listener.getShutdownTimeout(), listener.getReconnect().getInitialBackoff(),
					listener.getReconnect().getMaxBackoff(), durable.getConcurrency());
			DurableListenerContainerFactory durableFactory = new DurableListenerContainerFactory(settings,
					database.jdbcTemplate(), database.schema(), connectionFactory,
					jsonMapper.getIfAvailable(JsonMapper::shared), errorHandler.getIfAvailable(),
					metrics.getIfAvailable(() -> DurableMetrics.NONE), eventPublisher,
					executor.getIfAvailable(() -> defaultDurableExecutor(environment)), taskScheduler.getIfAvailable(),
					DeliveryObserver.of(deliveryObservers.orderedStream().toList()),
					transactions(transactionManagers, database.dataSource()));
			durableFactory.setKeyedTriggers(keyedTriggers(properties));
			return new PigeonListenerEndpointRegistry(containerFactory, durableFactory, durableChannels);
		}

		private static List<KeyedTrigger> keyedTriggers(PigeonProperties properties) {
			List<KeyedTrigger> keyed = new ArrayList<>();
			for (TriggerConfiguration.Trigger trigger : TriggerConfigurationResolver.resolve(properties).triggers()) {
				TriggerDefinition definition = trigger.definition();
				if (trigger.active() && definition.durable() && definition.level() == TriggerLevel.ROW) {
					keyed.add(new KeyedTrigger(definition.channel(), definition.schema(), definition.table(),
							trigger.path(), !definition.options().laneKey().isEmpty()));
				}
			}
			return keyed;
		}

		// Before the container refuses them without naming the property.
		private static void validateDurable(PigeonProperties.Durable durable) {
			requireDurable(durable.getBatchSize() > 0, "batch-size", durable.getBatchSize(),
					"The value must be greater than zero.");
			requireDurable(durable.getConcurrency() > 0 && durable.getConcurrency() <= DurableSettings.MAX_CONCURRENCY,
					"concurrency", durable.getConcurrency(), "The number of lanes must be between 1 and 1024.");
			requireDurable(isPositive(durable.getPollInterval()), "poll-interval", durable.getPollInterval(),
					"The value must be greater than zero.");
			requireDurable(durable.getLeaseTimeout().toMillis() >= 3, "lease-timeout", durable.getLeaseTimeout(),
					"The lease is renewed every third of it: give it at least a few seconds.");
			PigeonProperties.Durable.Retry retry = durable.getRetry();
			requireDurable(retry.getMaxAttempts() > 0, "retry.max-attempts", retry.getMaxAttempts(),
					"It counts every call, the first included: the value must be at least 1.");
			requireDurable(isPositive(retry.getInitialBackoff()), "retry.initial-backoff", retry.getInitialBackoff(),
					"The value must be greater than zero.");
			requireDurable(retry.getMultiplier() >= 1, "retry.multiplier", retry.getMultiplier(),
					"The value must be at least 1.");
			requireDurable(isPositive(retry.getMaxBackoff()), "retry.max-backoff", retry.getMaxBackoff(),
					"The value must be greater than zero.");
		}

		private static boolean isPositive(Duration duration) {
			return !duration.isNegative() && !duration.isZero();
		}

		private static void requireDurable(boolean valid, String property, Object value, String reason) {
			if (!valid) {
				throw new InvalidConfigurationPropertyValueException("pigeon.durable." + property, value, reason);
			}
		}

		// Durable: a channel's trigger under pigeon.schemas says so, or pigeon.durable.channels names it.
		static Set<String> durableChannels(PigeonProperties properties) {
			Set<String> channels = new LinkedHashSet<>(properties.getDurable().getChannels());
			for (PigeonProperties.Schema schema : properties.getSchemas()) {
				for (PigeonProperties.Table table : schema.getTables()) {
					for (PigeonProperties.Trigger trigger : table.getTriggers()) {
						String channel = StringUtils.hasLength(trigger.getChannel()) ? trigger.getChannel()
								: table.getName();
						if (trigger.getDelivery() == TriggerDelivery.DURABLE && channel != null) {
							channels.add(channel);
						}
					}
				}
			}
			return channels;
		}

		// The transaction manager whose resource is Pigeon's DataSource: the listener's work and
		// the acknowledgement then commit together.
		private static @Nullable TransactionTemplate transactions(
				ObjectProvider<PlatformTransactionManager> transactionManagers, DataSource dataSource) {
			DataSource target = unwrap(dataSource);
			return transactionManagers.orderedStream()
				.filter((manager) -> manager instanceof ResourceTransactionManager resource
						&& resource.getResourceFactory() instanceof DataSource managed && unwrap(managed) == target)
				.findFirst()
				.map(TransactionTemplate::new)
				.orElse(null);
		}

		private static DataSource unwrap(DataSource dataSource) {
			DataSource current = dataSource;
			while (current instanceof TransactionAwareDataSourceProxy proxy && proxy.getTargetDataSource() != null) {
				current = proxy.getTargetDataSource();
			}
			return current;
		}

		// Not a bean, like the notify executor's default: one thread per subscription, not daemon:
		// like the notify reading thread, the workers keep an application that only listens up
		// (they end when the context closes).
		private static TaskExecutor defaultDurableExecutor(Environment environment) {
			SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("pigeon-durable-");
			executor.setDaemon(false);
			executor.setVirtualThreads(Threading.VIRTUAL.isActive(environment));
			return executor;
		}

	}

}
