package io.pigeon.internal.listener;

import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.pigeon.PigeonAction;
import io.pigeon.PigeonEvent;
import io.pigeon.internal.listener.notify.OverflowPayloadStore;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link MethodListenerAdapter}: what a listener method receives for a payload, without
 * a database.
 */
class MethodListenerAdapterTests {

	private static final String INSERT = """
			{"action":"INSERT","schema":"public","table":"items","txid":1,"seq":1,"ts":1,"future":{"x":[1]},\
			"data":{"id":1,"price":1.50,"extra":"ignored"}}""";

	private final JsonMapper jsonMapper = JsonMapper.builder().build();

	private final Listeners listeners = new Listeners();

	@Test
	void recordBindingKeepsExactNumbersAndIgnoresUnknownColumns() throws Throwable {
		invoke("item", INSERT, Item.class);
		assertThat(this.listeners.received).containsExactly(new Item(1, new BigDecimal("1.50")));
	}

	@Test
	void rowsNotBoundInAdvanceAreBoundFromTheText() throws Throwable {
		adapter("item", Set.of(), Item.class).invoke(parse(INSERT));
		assertThat(this.listeners.received).containsExactly(new Item(1, new BigDecimal("1.50")));
	}

	@Test
	void rowsThatDoNotBindAreReportedByTheMethodThatTakesThem() throws Throwable {
		String unbindable = INSERT.replace("\"id\":1", "\"id\":\"one\"");
		invoke("payload", unbindable, String.class);
		assertThat(this.listeners.received).containsExactly(unbindable);
		assertThatExceptionOfType(JacksonException.class).isThrownBy(() -> invoke("item", unbindable, Item.class))
			.withMessageContaining("one");
	}

	@Test
	void eventCarriesTheEnvelope() throws Throwable {
		invoke("event", INSERT, PigeonEvent.class);
		assertThat(this.listeners.received).containsExactly(new PigeonEvent<>("items", PigeonAction.INSERT, "public",
				"items", new Item(1, new BigDecimal("1.50")), null, null, INSERT));
	}

	@Test
	void anyOtherJsonIsBoundWhole() throws Throwable {
		invoke("item", "{\"id\":7,\"price\":0.1}", Item.class);
		invoke("map", "{\"n\":1}", Map.class);
		assertThat(this.listeners.received).containsExactly(new Item(7, new BigDecimal("0.1")), Map.of("n", 1));
	}

	@Test
	void anyOtherPayloadCannotBeAnEvent() {
		assertThatExceptionOfType(RejectedNotificationException.class)
			.isThrownBy(() -> invoke("event", "{\"n\":1}", PigeonEvent.class))
			.withMessageContaining("take (String payload)")
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(RejectionReason.NOT_A_CHANGE));
	}

	@Test
	void textThatIsNotJsonReachesOnlyRawPayloadMethods() throws Throwable {
		invoke("payload", "hello", String.class);
		invoke("channelAndPayload", "hello", String.class, String.class);
		assertThat(this.listeners.received).containsExactly("hello", "items|hello");
		assertThatExceptionOfType(RejectedNotificationException.class)
			.isThrownBy(() -> invoke("item", "hello", Item.class))
			.withMessageContaining("take (String payload)")
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(RejectionReason.NOT_A_CHANGE));
	}

	@Test
	void actionsFilterNeedsAKnownAction() throws Exception {
		MethodListenerAdapter deletes = adapter("payload", Set.of(PigeonAction.DELETE), String.class);
		assertThat(deletes.accepts(parse(INSERT))).isFalse();
		assertThat(deletes.accepts(parse(INSERT.replace("INSERT", "DELETE")))).isTrue();
		assertThat(deletes.accepts(parse("hello"))).isFalse();
		assertThat(adapter("payload", Set.of(), String.class).accepts(parse("hello"))).isTrue();
	}

	private IncomingNotification parse(String payload) {
		return parser().parse("items", payload);
	}

	private NotificationParser parser() {
		return new NotificationParser(this.jsonMapper, (id) -> {
			throw new IllegalStateException("No overflow expected");
		});
	}

	/**
	 * Parse and invoke as the channel's dispatcher does: rows bound while parsing.
	 */
	private void invoke(String name, String payload, Class<?>... parameterTypes) throws Throwable {
		MethodListenerAdapter adapter = adapter(name, Set.of(), parameterTypes);
		adapter.invoke(parser().parse("items", payload, parser().rowTypes(List.of(adapter))));
	}

	private MethodListenerAdapter adapter(String name, Set<PigeonAction> actions, Class<?>... parameterTypes) {
		Method method = ReflectionUtils.findMethod(Listeners.class, name, parameterTypes);
		assertThat(method).isNotNull();
		return new MethodListenerAdapter(new ListenerEndpoint("listeners", this.listeners, method, List.of("items"),
				actions, ListenerMethodSignature.of(method, Listeners.class)), this.jsonMapper);
	}

	record Item(int id, BigDecimal price) {
	}

	static class Listeners {

		final List<Object> received = new ArrayList<>();

		void item(Item item) {
			this.received.add(item);
		}

		void event(PigeonEvent<Item> event) {
			this.received.add(event);
		}

		void map(Map<String, Object> data) {
			this.received.add(data);
		}

		void payload(String payload) {
			this.received.add(payload);
		}

		void channelAndPayload(String channel, String payload) {
			this.received.add(channel + "|" + payload);
		}

	}

}
