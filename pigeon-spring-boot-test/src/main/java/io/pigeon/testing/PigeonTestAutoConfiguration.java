package io.pigeon.testing;

import io.pigeon.PigeonErrorHandler;
import io.pigeon.autoconfigure.PigeonListenerAutoConfiguration;
import io.pigeon.internal.listener.DeliveryObserver;
import io.pigeon.internal.listener.PigeonListenerEndpointRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.util.function.SingletonSupplier;

/**
 * Auto-configuration of Pigeon's test kit: a {@link PigeonEvents} bean that records what the
 * listener methods were called with. Active whenever {@code pigeon-spring-boot-test} is on the
 * classpath, which it is in test scope only; {@code pigeon.test.events.enabled=false} switches it
 * off, leaving Pigeon's delivery as it is without the kit.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = PigeonListenerAutoConfiguration.class,
		afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnBooleanProperty(name = "pigeon.test.events.enabled", matchIfMissing = true)
public final class PigeonTestAutoConfiguration {

	// A DeliveryObserver bean: the listener's container factory tells every one of them.
	@Bean
	@ConditionalOnMissingBean
	DeliveryRecorder pigeonDeliveryRecorder(ObjectProvider<JsonMapper> jsonMapper) {
		return new DeliveryRecorder(jsonMapper.getIfAvailable(JsonMapper::shared));
	}

	@Bean
	@ConditionalOnMissingBean
	PigeonEvents pigeonEvents(DeliveryRecorder recorder, ObjectProvider<JsonMapper> jsonMapper,
			ObjectProvider<PigeonListenerEndpointRegistry> registry, ObjectProvider<PigeonErrorHandler> errorHandler,
			ObjectProvider<DeliveryObserver> observers) {
		JsonMapper mapper = jsonMapper.getIfAvailable(JsonMapper::shared);
		// Looked up at the first synthetic delivery: the registry is complete by then, and the
		// observers include the recorder without a cycle at creation.
		return new PigeonEvents(recorder, mapper, SingletonSupplier.of(() -> {
			PigeonListenerEndpointRegistry endpoints = registry.getIfAvailable();
			if (endpoints == null) {
				throw new IllegalStateException("Synthetic changes are delivered to @PigeonListener methods, but "
						+ "Pigeon's listener is switched off (pigeon.enabled or pigeon.listener.enabled is false): "
						+ "remove that property in the test to deliver them");
			}
			return new SyntheticDelivery(endpoints, mapper, errorHandler.getIfAvailable(),
					DeliveryObserver.of(observers.orderedStream().toList()));
		}));
	}

}
