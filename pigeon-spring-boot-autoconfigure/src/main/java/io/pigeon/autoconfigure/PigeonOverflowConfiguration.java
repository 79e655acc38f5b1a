package io.pigeon.autoconfigure;

import javax.sql.DataSource;

import io.pigeon.internal.listener.notify.OverflowCleanupScheduler;
import io.pigeon.internal.listener.notify.OverflowPayloadCleanup;
import io.pigeon.internal.listener.notify.OverflowPayloadStore;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.TaskScheduler;

/**
 * Configuration of Pigeon's overflow table, imported by {@link PigeonAutoConfiguration}: reading stored payloads back, and deleting them
 * once {@code pigeon.listener.overflow-retention} has passed since they were first seen
 * committed. The clean-up runs in every application where Pigeon is enabled, listening or not
 * (the listener may be switched off), so that a database whose listeners are all stopped does
 * not keep every payload. It runs on the {@link TaskScheduler} bean named
 * {@value PigeonListenerAutoConfiguration#LISTENER_TASK_SCHEDULER_BEAN_NAME} when there is one,
 * otherwise on a {@code pigeon-overflow-cleanup} daemon thread.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBean(DataSource.class)
@Import(PigeonDatabaseConfiguration.class)
class PigeonOverflowConfiguration {

	@Bean
	@ConditionalOnMissingBean
	OverflowPayloadStore pigeonOverflowPayloadStore(PigeonDatabase database) {
		return new OverflowPayloadStore(database.jdbcTemplate(), database.schema());
	}

	@Bean
	@ConditionalOnMissingBean
	OverflowPayloadCleanup pigeonOverflowPayloadCleanup(PigeonProperties properties,
			OverflowPayloadStore overflowStore) {
		PigeonProperties.Listener listener = properties.getListener();
		ListenerPropertiesValidator.validateOverflow(listener);
		return new OverflowPayloadCleanup(overflowStore, listener.getOverflowRetention());
	}

	@Bean
	@ConditionalOnMissingBean
	OverflowCleanupScheduler pigeonOverflowCleanupScheduler(OverflowPayloadCleanup cleanup,
			@Qualifier(PigeonListenerAutoConfiguration.LISTENER_TASK_SCHEDULER_BEAN_NAME)
			ObjectProvider<TaskScheduler> taskScheduler) {
		return new OverflowCleanupScheduler(cleanup, taskScheduler.getIfAvailable());
	}

}
