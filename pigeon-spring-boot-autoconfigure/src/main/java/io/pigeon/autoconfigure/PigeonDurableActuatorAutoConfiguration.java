package io.pigeon.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.pigeon.PigeonSubscriptions;
import io.pigeon.internal.durable.operations.DurableStatus;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of durable delivery's operations in Actuator: the {@code pigeon} endpoint
 * when Spring Boot Actuator is on the class path, and the durable gauges when the application
 * has a {@link MeterRegistry}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = PigeonAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnBooleanProperty(name = "pigeon.enabled", matchIfMissing = true)
public final class PigeonDurableActuatorAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Endpoint.class)
	@ConditionalOnBean(PigeonSubscriptions.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		PigeonEndpoint pigeonEndpoint(PigeonSubscriptions subscriptions) {
			return new PigeonEndpoint(subscriptions);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean({ MeterRegistry.class, DurableStatus.class })
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		PigeonDurableMetrics pigeonDurableMetrics(MeterRegistry meterRegistry, DurableStatus status) {
			return new PigeonDurableMetrics(meterRegistry, status);
		}

	}

}
