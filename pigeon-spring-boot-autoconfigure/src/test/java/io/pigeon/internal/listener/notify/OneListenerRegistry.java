package io.pigeon.internal.listener.notify;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import io.pigeon.internal.listener.DeliveryObserver;
import io.pigeon.internal.listener.ListenerEndpoint;
import io.pigeon.internal.listener.ListenerMethodSignature;
import io.pigeon.internal.listener.ListenerMetrics;
import io.pigeon.internal.listener.PigeonListenerEndpointRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@link PigeonListenerEndpointRegistry} with a {@link NotifyListenerContainerFactory} built
 * without Spring, with one listener method on channel {@code items} that ignores what it receives
 * and fast reconnect back-off, for tests of what happens around the connection rather than in the
 * listener.
 */
final class OneListenerRegistry {

	private OneListenerRegistry() {
	}

	static PigeonListenerEndpointRegistry create(ListenerConnectionFactory connectionFactory, boolean failFast) {
		ListenerSettings settings = new ListenerSettings(10, Duration.ofSeconds(5), Duration.ofSeconds(5),
				Duration.ofMillis(10), Duration.ofMillis(100), failFast);
		OverflowPayloadStore overflowStore = new OverflowPayloadStore(new JdbcTemplate(), "pigeon");
		SimpleAsyncTaskExecutor dispatchExecutor = new SimpleAsyncTaskExecutor("pigeon-channel-");
		dispatchExecutor.setDaemon(true);
		PigeonListenerEndpointRegistry registry = new PigeonListenerEndpointRegistry(
				new NotifyListenerContainerFactory(connectionFactory, settings, JsonMapper.shared(), overflowStore,
						ListenerMetrics.NONE, null,
						(event) -> {
						}, dispatchExecutor, null, DeliveryObserver.NONE));
		Method method = ReflectionUtils.findMethod(Listener.class, "onChange", String.class);
		assertThat(method).isNotNull();
		registry.registerEndpoint(new ListenerEndpoint("listener", new Listener(), method, List.of("items"), Set.of(),
				ListenerMethodSignature.of(method, Listener.class)));
		return registry;
	}

	static class Listener {

		void onChange(String payload) {
		}

	}

}
