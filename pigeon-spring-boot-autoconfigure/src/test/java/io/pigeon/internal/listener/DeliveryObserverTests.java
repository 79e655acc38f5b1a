package io.pigeon.internal.listener;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link DeliveryObserver}: told by {@link MethodListenerAdapter} of each call after it
 * returned or threw, and guarded against observers that throw.
 */
class DeliveryObserverTests {

	private static final String INSERT = """
			{"action":"INSERT","schema":"public","table":"items","txid":1,"seq":1,"ts":1,"data":{"name":"ok"}}""";

	private final JsonMapper jsonMapper = JsonMapper.shared();

	private final List<String> told = new ArrayList<>();

	private final List<String> calls = new ArrayList<>();

	@Test
	void isToldAfterTheMethodReturned() throws Throwable {
		IncomingNotification notification = parse(INSERT);
		adapter((listenerId, delivered, failure) -> {
			assertThat(this.calls).containsExactly("ok");
			assertThat(delivered).isSameAs(notification);
			this.told.add(listenerId + " " + failure);
		}).invoke(notification);
		assertThat(this.told).containsExactly("listeners.onItem null");
	}

	@Test
	void isToldWhatTheMethodThrewBeforeItIsRethrown() {
		IncomingNotification notification = parse(INSERT.replace("ok", "bad"));
		MethodListenerAdapter adapter = adapter((listenerId, delivered, failure) -> this.told
			.add(listenerId + " " + failure.getMessage()));
		assertThatIllegalStateException().isThrownBy(() -> adapter.invoke(notification)).withMessage("Refusing bad");
		assertThat(this.told).containsExactly("listeners.onItem Refusing bad");
	}

	@Test
	void anObserverThatThrowsNeitherFailsTheDeliveryNorSilencesTheOthers() throws Throwable {
		DeliveryObserver all = DeliveryObserver.of(List.of((listenerId, delivered, failure) -> {
			throw new IllegalStateException("Broken observer");
		}, (listenerId, delivered, failure) -> this.told.add(listenerId)));
		adapter(all).invoke(parse(INSERT));
		assertThat(this.calls).containsExactly("ok");
		assertThat(this.told).containsExactly("listeners.onItem");
	}

	@Test
	void noObserversObserveNothing() {
		assertThat(DeliveryObserver.of(List.of())).isSameAs(DeliveryObserver.NONE);
	}

	private IncomingNotification parse(String payload) {
		return new NotificationParser(this.jsonMapper, (id) -> {
			throw new IllegalStateException("No overflow expected");
		}).parse("items", payload);
	}

	private MethodListenerAdapter adapter(DeliveryObserver observer) {
		Method method = ReflectionUtils.findMethod(Listeners.class, "onItem", Item.class);
		assertThat(method).isNotNull();
		return new MethodListenerAdapter(new ListenerEndpoint("listeners", new Listeners(this.calls), method,
				List.of("items"), Set.of(), ListenerMethodSignature.of(method, Listeners.class)), this.jsonMapper,
				observer);
	}

	record Item(String name) {
	}

	static class Listeners {

		private final List<String> calls;

		Listeners(List<String> calls) {
			this.calls = calls;
		}

		void onItem(Item item) {
			if (item.name().equals("bad")) {
				throw new IllegalStateException("Refusing bad");
			}
			this.calls.add(item.name());
		}

	}

}
