package io.pigeon.autoconfigure;

import io.pigeon.internal.durable.operations.DurableStatus;
import io.pigeon.internal.install.TriggerStateChecker;
import io.pigeon.internal.listener.PigeonListenerEndpointRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.ConfigurationCondition;

/**
 * Auto-configuration of the {@code pigeon} health contributor, when Spring Boot's health support
 * is on the class path.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = { PigeonAutoConfiguration.class, PigeonListenerAutoConfiguration.class })
@ConditionalOnClass(HealthIndicator.class)
@Conditional(PigeonListenerHealthAutoConfiguration.OnListenerOrDurableStatus.class)
@ConditionalOnEnabledHealthIndicator("pigeon")
public final class PigeonListenerHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "pigeonHealthIndicator")
	PigeonHealthIndicator pigeonHealthIndicator(ObjectProvider<PigeonListenerEndpointRegistry> registry,
			ObjectProvider<TriggerStateChecker> triggerStateChecker, ObjectProvider<DurableStatus> durableStatus) {
		PigeonHealthIndicator indicator = new PigeonHealthIndicator(registry.getIfAvailable());
		indicator.setTriggerStateChecker(triggerStateChecker.getIfAvailable());
		indicator.setDurableStatus(durableStatus.getIfAvailable());
		return indicator;
	}

	/**
	 * The listener runs, or durable delivery's status is sampled (Pigeon has a database).
	 */
	static final class OnListenerOrDurableStatus extends AnyNestedCondition {

		OnListenerOrDurableStatus() {
			super(ConfigurationCondition.ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnBean(PigeonListenerEndpointRegistry.class)
		static final class Listener {

		}

		@ConditionalOnBean(DurableStatus.class)
		static final class Durable {

		}

	}

}
