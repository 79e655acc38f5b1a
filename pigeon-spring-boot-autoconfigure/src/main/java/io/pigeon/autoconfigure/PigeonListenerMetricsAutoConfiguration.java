package io.pigeon.autoconfigure;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.pigeon.internal.listener.ListenerInvocationObserver;
import io.pigeon.internal.listener.ListenerMetrics;
import io.pigeon.internal.listener.durable.DurableMetrics;
import io.pigeon.internal.listener.MicrometerListenerInvocationObserver;
import io.pigeon.internal.listener.PigeonListenerEndpointRegistry;
import io.pigeon.internal.listener.notify.NotificationQueueUsage;
import io.pigeon.observation.PigeonListenerObservationConvention;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.thread.Threading;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.task.SimpleAsyncTaskExecutor;

/**
 * Auto-configuration of the listener's Micrometer instrumentation: its metrics when the
 * application has a {@link MeterRegistry}, and an observation of each listener call when it has
 * an {@link ObservationRegistry} (unless {@code pigeon.listener.observation-enabled} is
 * {@code false}), named and tagged by the application's
 * {@link PigeonListenerObservationConvention} bean if it has one.
 *
 * @since 0.1.0
 */
@AutoConfiguration(afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
		"org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration" })
@ConditionalOnBooleanProperty(name = { "pigeon.enabled", "pigeon.listener.enabled" }, matchIfMissing = true)
@EnableConfigurationProperties(PigeonProperties.class)
public final class PigeonListenerMetricsAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(MeterRegistry.class)
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ListenerMetrics pigeonListenerMetrics(MeterRegistry meterRegistry, PigeonProperties properties,
				ObjectProvider<PigeonListenerEndpointRegistry> listenerRegistry, ObjectProvider<PigeonDatabase> database,
				Environment environment) {
			// The database Pigeon uses, so that several DataSources resolve as everywhere else in Pigeon.
			PigeonDatabase pigeonDatabase = database.getIfAvailable();
			DataSource pool = (pigeonDatabase != null) ? pigeonDatabase.dataSource() : null;
			return new MicrometerListenerMetrics(meterRegistry, (channel) -> {
				// Looked up when read: the registry is created after the metrics it records to.
				PigeonListenerEndpointRegistry registry = listenerRegistry.getIfAvailable();
				return (registry != null) ? registry.getPending(channel) : 0;
			}, (pool != null) ? queueUsage(properties.getListener(), pool, environment) : null);
		}

		@Bean
		@ConditionalOnMissingBean
		DurableMetrics pigeonDurableDeliveryMetrics(MeterRegistry meterRegistry) {
			return new MicrometerDurableMetrics(meterRegistry);
		}

		private static NotificationQueueUsage queueUsage(PigeonProperties.Listener listener, DataSource dataSource,
				Environment environment) {
			ListenerPropertiesValidator.validateQueueUsage(listener);
			// A thread per read, at most one read per interval and only while the gauge is scraped.
			SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("pigeon-queue-usage-");
			executor.setDaemon(true);
			executor.setVirtualThreads(Threading.VIRTUAL.isActive(environment));
			return new NotificationQueueUsage(dataSource, listener.getQueueUsageSampleInterval(), executor);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ObservationRegistry.class)
	@ConditionalOnBean(ObservationRegistry.class)
	@ConditionalOnBooleanProperty(name = "pigeon.listener.observation-enabled", matchIfMissing = true)
	static class ObservationConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ListenerInvocationObserver pigeonListenerInvocationObserver(ObservationRegistry observationRegistry,
				ObjectProvider<PigeonListenerObservationConvention> convention) {
			return new MicrometerListenerInvocationObserver(observationRegistry, convention.getIfUnique());
		}

	}

}
