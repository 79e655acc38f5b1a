package io.pigeon.internal.listener;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.micrometer.observation.Observation;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.pigeon.observation.PigeonListenerObservationContext;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link MicrometerListenerInvocationObserver}: the call runs once, inside the
 * observation's scope, and what it throws is recorded and rethrown unchanged.
 */
class MicrometerListenerInvocationObserverTests {

	private final TestObservationRegistry registry = TestObservationRegistry.create();

	private final Listener listener = new Listener(this.registry);

	private final NotificationParser parser = new NotificationParser(JsonMapper.shared(), (id) -> {
		throw new IllegalStateException("No overflow expected");
	});

	private final MicrometerListenerInvocationObserver observer = new MicrometerListenerInvocationObserver(
			this.registry, null);

	@Test
	void callsTheMethodOnceInsideTheObservationsScope() throws Throwable {
		this.observer.invoke("items", adapter("onPayload"), this.parser.parse("items", "hello"));
		assertThat(this.listener.calls).hasSize(1);
		Observation current = this.listener.calls.get(0);
		assertThat(current).isNotNull();
		assertThat(current.getContext()).isInstanceOf(PigeonListenerObservationContext.class);
		assertThat(this.registry.getCurrentObservation()).isNull();
		assertThat(this.registry).hasSingleObservationThat()
			.hasBeenStarted()
			.hasBeenStopped()
			.doesNotHaveError()
			.hasLowCardinalityKeyValue("pigeon.channel", "items")
			.hasLowCardinalityKeyValue("pigeon.listener.id", "listener.onPayload")
			.hasLowCardinalityKeyValue("pigeon.action", "none")
			.hasLowCardinalityKeyValue("pigeon.outcome", "success");
	}

	@Test
	void recordsAndRethrowsWhatTheMethodThrows() {
		assertThatIllegalStateException()
			.isThrownBy(() -> this.observer.invoke("items", adapter("fail"), this.parser.parse("items", "hello")))
			.withMessage("refused");
		assertThat(this.registry).hasSingleObservationThat()
			.hasBeenStopped()
			.hasLowCardinalityKeyValue("pigeon.outcome", "failure")
			.assertThatError()
			.isInstanceOf(IllegalStateException.class)
			.hasMessage("refused");
	}

	private MethodListenerAdapter adapter(String name) {
		Method method = ReflectionUtils.findMethod(Listener.class, name, String.class);
		assertThat(method).isNotNull();
		return new MethodListenerAdapter(new ListenerEndpoint("listener", this.listener, method, List.of("items"),
				Set.of(), ListenerMethodSignature.of(method, Listener.class)), JsonMapper.shared());
	}

	static class Listener {

		private final TestObservationRegistry registry;

		final List<@Nullable Observation> calls = new ArrayList<>();

		Listener(TestObservationRegistry registry) {
			this.registry = registry;
		}

		void onPayload(String payload) {
			this.calls.add(this.registry.getCurrentObservation());
		}

		void fail(String payload) {
			throw new IllegalStateException("refused");
		}

	}

}
