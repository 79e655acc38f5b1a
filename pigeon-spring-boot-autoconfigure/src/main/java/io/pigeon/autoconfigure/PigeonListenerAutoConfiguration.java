package io.pigeon.autoconfigure;

import javax.sql.DataSource;

import io.pigeon.PigeonErrorHandler;
import io.pigeon.PigeonTemplate;
import io.pigeon.internal.listener.ListenerConnectionFactory;
import io.pigeon.internal.listener.ListenerMetrics;
import io.pigeon.internal.listener.ListenerSettings;
import io.pigeon.internal.listener.OverflowPayloadStore;
import io.pigeon.internal.listener.PgjdbcNotificationLatencyTuner;
import io.pigeon.internal.listener.PigeonListenerAnnotationBeanPostProcessor;
import io.pigeon.internal.listener.PigeonListenerEndpointRegistry;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.StringUtils;

/**
 * Auto-configuration for Pigeon's listener: the dedicated LISTEN connection, the
 * {@code @PigeonListener} infrastructure, and {@link PigeonTemplate} for sending.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = { PigeonAutoConfiguration.class, DataSourceAutoConfiguration.class,
		JacksonAutoConfiguration.class })
@ConditionalOnBooleanProperty(name = "pigeon.enabled", matchIfMissing = true)
@ConditionalOnSingleCandidate(DataSource.class)
@EnableConfigurationProperties(PigeonProperties.class)
public final class PigeonListenerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	PigeonTemplate pigeonTemplate(DataSource dataSource, ObjectProvider<JsonMapper> jsonMapper) {
		return new PigeonTemplate(new JdbcTemplate(dataSource), jsonMapper.getIfAvailable(JsonMapper::shared));
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
		ListenerConnectionFactory pigeonListenerConnectionFactory(PigeonProperties properties,
				ObjectProvider<JdbcConnectionDetails> connectionDetails) {
			PigeonProperties.Listener listener = properties.getListener();
			JdbcConnectionDetails details = connectionDetails.getIfAvailable();
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
		PigeonListenerEndpointRegistry pigeonListenerEndpointRegistry(ListenerConnectionFactory connectionFactory,
				PigeonProperties properties, DataSource dataSource, ObjectProvider<JsonMapper> jsonMapper,
				ObjectProvider<ListenerMetrics> metrics, ObjectProvider<PigeonErrorHandler> errorHandler,
				ApplicationEventPublisher eventPublisher) {
			PigeonProperties.Listener listener = properties.getListener();
			ListenerSettings settings = new ListenerSettings(listener.getQueueCapacity(),
					listener.getValidationInterval(), listener.getShutdownTimeout(),
					listener.getReconnect().getInitialBackoff(), listener.getReconnect().getMaxBackoff(),
					listener.getOverflowRetention(), listener.isFailFast());
			String pigeonSchema = properties.getInstall().getSchema();
			OverflowPayloadStore overflowStore = new OverflowPayloadStore(new JdbcTemplate(dataSource),
					StringUtils.hasLength(pigeonSchema) ? pigeonSchema : null);
			return new PigeonListenerEndpointRegistry(connectionFactory, settings,
					jsonMapper.getIfAvailable(JsonMapper::shared), overflowStore,
					metrics.getIfAvailable(() -> ListenerMetrics.NONE), errorHandler.getIfAvailable(), eventPublisher);
		}

	}

}
