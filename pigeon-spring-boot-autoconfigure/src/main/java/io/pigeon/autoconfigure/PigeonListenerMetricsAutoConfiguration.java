package io.pigeon.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.pigeon.internal.listener.ListenerMetrics;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the listener's Micrometer metrics, when Micrometer is on the class path
 * and the application has a {@link MeterRegistry}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = { "pigeon.enabled", "pigeon.listener.enabled" }, matchIfMissing = true)
public final class PigeonListenerMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ListenerMetrics pigeonListenerMetrics(MeterRegistry meterRegistry) {
		return new MicrometerListenerMetrics(meterRegistry);
	}

}
