package io.pigeon.autoconfigure;

import java.time.Duration;

import javax.sql.DataSource;

import io.pigeon.PigeonSubscriptions;
import io.pigeon.internal.durable.operations.DurableOperationsScheduler;
import io.pigeon.internal.durable.operations.DurableStatus;
import io.pigeon.internal.durable.operations.JdbcPigeonSubscriptions;
import io.pigeon.internal.durable.operations.LogMaintenance;
import io.pigeon.internal.durable.operations.LogSchema;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.scheduling.TaskScheduler;

/**
 * Configuration of durable delivery's operations, imported by {@link PigeonAutoConfiguration}:
 * {@link PigeonSubscriptions}, the log's maintenance and the sampled status that metrics and
 * health read. Like the overflow clean-up, maintenance runs in every application where Pigeon is
 * enabled, listening or not, on the {@link TaskScheduler} bean named
 * {@value PigeonListenerAutoConfiguration#LISTENER_TASK_SCHEDULER_BEAN_NAME} when there is one,
 * otherwise on a {@code pigeon-durable-maintenance} daemon thread; it does nothing while the
 * database has no log (no durable trigger was ever installed).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBean(DataSource.class)
@Import(PigeonDatabaseConfiguration.class)
class PigeonDurableOperationsConfiguration {

	@Bean
	LogSchema pigeonDurableLogSchema(PigeonDatabase database) {
		return new LogSchema(database.jdbcTemplate(), database.schema());
	}

	@Bean
	JdbcPigeonSubscriptions pigeonJdbcSubscriptions(PigeonDatabase database, LogSchema logSchema) {
		return new JdbcPigeonSubscriptions(database.dataSource(), logSchema);
	}

	@Bean
	@ConditionalOnMissingBean
	PigeonSubscriptions pigeonSubscriptions(JdbcPigeonSubscriptions subscriptions) {
		return subscriptions;
	}

	@Bean
	@ConditionalOnMissingBean
	LogMaintenance pigeonLogMaintenance(PigeonDatabase database, LogSchema logSchema, PigeonProperties properties) {
		PigeonProperties.Durable durable = properties.getDurable();
		return new LogMaintenance(database.dataSource(), logSchema,
				positive("pigeon.durable.retention", durable.getRetention()),
				positive("pigeon.durable.subscription-expiry", durable.getSubscriptionExpiry()));
	}

	@Bean
	DurableStatus pigeonDurableStatus(JdbcPigeonSubscriptions subscriptions, PigeonProperties properties) {
		return new DurableStatus(subscriptions,
				positive("pigeon.durable.maintenance-interval", properties.getDurable().getMaintenanceInterval()));
	}

	@Bean
	@ConditionalOnMissingBean
	DurableOperationsScheduler pigeonDurableOperationsScheduler(ObjectProvider<LogMaintenance> maintenance,
			DurableStatus status, PigeonProperties properties,
			@Qualifier(PigeonListenerAutoConfiguration.LISTENER_TASK_SCHEDULER_BEAN_NAME)
			ObjectProvider<TaskScheduler> taskScheduler) {
		return new DurableOperationsScheduler(maintenance.getIfAvailable(),
				positive("pigeon.durable.maintenance-interval", properties.getDurable().getMaintenanceInterval()),
				status, taskScheduler.getIfAvailable());
	}

	private static Duration positive(String property, Duration value) {
		if (value.toMillis() <= 0) {
			throw new InvalidConfigurationPropertyValueException(property, value,
					"it must be at least 1 ms. Set a positive duration, for example '1m'.");
		}
		return value;
	}

}
