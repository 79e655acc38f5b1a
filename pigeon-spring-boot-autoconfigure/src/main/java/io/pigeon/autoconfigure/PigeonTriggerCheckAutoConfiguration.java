package io.pigeon.autoconfigure;

import java.time.Duration;

import io.pigeon.internal.install.TriggerInstaller;
import io.pigeon.internal.install.TriggerStateChecker;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the periodic check that the installed triggers still fire
 * ({@code pigeon.install.trigger-check.*}), on the installer's data source.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = PigeonAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "pigeon.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "pigeon.install.trigger-check.enabled", matchIfMissing = true)
@ConditionalOnBean(TriggerInstaller.class)
public final class PigeonTriggerCheckAutoConfiguration {

	private static final String INTERVAL_PROPERTY = "pigeon.install.trigger-check.interval";

	@Bean
	@ConditionalOnMissingBean
	TriggerStateChecker pigeonTriggerStateChecker(TriggerInstaller installer, PigeonProperties properties) {
		Duration interval = properties.getInstall().getTriggerCheck().getInterval();
		if (interval.isNegative() || interval.isZero()) {
			throw new InvalidConfigurationPropertyValueException(INTERVAL_PROPERTY, interval,
					"the interval is not positive. Set a positive duration such as 1m, or set "
							+ "'pigeon.install.trigger-check.enabled' to false to switch the check off.");
		}
		return new TriggerStateChecker(installer.getDataSource(), TriggerConfigurationResolver.resolve(properties),
				interval);
	}

}
