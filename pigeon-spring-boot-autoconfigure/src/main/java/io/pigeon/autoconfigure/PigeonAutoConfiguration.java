package io.pigeon.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;

/**
 * Auto-configuration for Pigeon: installs the configured triggers
 * and delivers their notifications to {@code @PigeonListener} methods.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = DataSourceAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "pigeon.enabled", matchIfMissing = true)
@EnableConfigurationProperties(PigeonProperties.class)
public final class PigeonAutoConfiguration {

}
