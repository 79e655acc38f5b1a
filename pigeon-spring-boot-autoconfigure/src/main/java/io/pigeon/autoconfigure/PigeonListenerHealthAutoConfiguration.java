package io.pigeon.autoconfigure;

import io.pigeon.internal.install.TriggerStateChecker;
import io.pigeon.internal.listener.PigeonListenerEndpointRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code pigeon} health contributor, when Spring Boot's health support
 * is on the class path.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = PigeonListenerAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(PigeonListenerEndpointRegistry.class)
@ConditionalOnEnabledHealthIndicator("pigeon")
public final class PigeonListenerHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "pigeonHealthIndicator")
	PigeonHealthIndicator pigeonHealthIndicator(PigeonListenerEndpointRegistry registry,
			ObjectProvider<TriggerStateChecker> triggerStateChecker) {
		PigeonHealthIndicator indicator = new PigeonHealthIndicator(registry);
		indicator.setTriggerStateChecker(triggerStateChecker.getIfAvailable());
		return indicator;
	}

}
