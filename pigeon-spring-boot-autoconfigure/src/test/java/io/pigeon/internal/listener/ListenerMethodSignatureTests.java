package io.pigeon.internal.listener;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;

import io.pigeon.PigeonEvent;
import io.pigeon.internal.listener.ListenerMethodSignature.Kind;
import kotlin.coroutines.Continuation;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ListenerMethodSignature}.
 */
class ListenerMethodSignatureTests {

	@Test
	void eventBindsItsTypeArgument() {
		ListenerMethodSignature signature = of("event", PigeonEvent.class);
		assertThat(signature.kind()).isEqualTo(Kind.EVENT);
		assertThat(signature.dataType().resolve()).isEqualTo(Item.class);
	}

	@Test
	void rawEventBindsNothingInParticular() {
		ListenerMethodSignature signature = of("rawEvent", PigeonEvent.class);
		assertThat(signature.kind()).isEqualTo(Kind.EVENT);
		assertThat(signature.dataType().resolve(Object.class)).isEqualTo(Object.class);
	}

	@Test
	void dataOfAnyObjectType() {
		assertThat(of("item", Item.class)).satisfies((signature) -> {
			assertThat(signature.kind()).isEqualTo(Kind.DATA);
			assertThat(signature.dataType().resolve()).isEqualTo(Item.class);
		});
		assertThat(of("map", Map.class).dataType().getGeneric(1).resolve()).isEqualTo(Object.class);
		assertThat(of("node", JsonNode.class).kind()).isEqualTo(Kind.DATA);
	}

	@Test
	void listIsTheRowsOfAStatement() {
		assertThat(of("rows", List.class)).satisfies((signature) -> {
			assertThat(signature.kind()).isEqualTo(Kind.ROWS);
			assertThat(signature.dataType().resolve()).isEqualTo(Item.class);
		});
	}

	@Test
	void stringIsTheRawPayload() {
		assertThat(of("payload", String.class).kind()).isEqualTo(Kind.PAYLOAD);
		assertThat(of("channelAndPayload", String.class, String.class).kind()).isEqualTo(Kind.CHANNEL_AND_PAYLOAD);
	}

	@Test
	void listOfEventsIsABatchBindingTheEventsTypeArgument() {
		ListenerMethodSignature signature = of("batch", List.class);
		assertThat(signature.kind()).isEqualTo(Kind.BATCH);
		assertThat(signature.dataType().resolve()).isEqualTo(Item.class);
		// Any other List is a statement's rows (a JSON array that is not a change is bound whole).
		assertThat(of("items", List.class).kind()).isEqualTo(Kind.ROWS);
	}

	@Test
	void otherParameterListsAreRefusedNamingTheMethod() {
		assertRefused("none");
		assertRefused("primitive", int.class);
		assertRefused("array", String[].class);
		assertRefused("twoOthers", String.class, int.class);
		assertRefused("three", String.class, String.class, String.class);
	}

	@Test
	void kotlinSuspendFunctionIsRefusedSayingSo() {
		Method method = ReflectionUtils.findMethod(SuspendingListener.class, "onChange", String.class,
				Continuation.class);
		assertThat(method).isNotNull();
		assertThatExceptionOfType(InvalidPigeonListenerException.class)
			.isThrownBy(() -> ListenerMethodSignature.of(method, SuspendingListener.class))
			.withMessage("@PigeonListener method 'io.pigeon.internal.listener.SuspendingListener.onChange(String, "
					+ "Continuation)' is a Kotlin suspend function, which Pigeon does not support: declare it as a "
					+ "plain fun (it is called on its channel's own thread, so it may block), and call suspending "
					+ "code from it with runBlocking if needed");
	}

	private static void assertRefused(String name, Class<?>... parameterTypes) {
		assertThatExceptionOfType(InvalidPigeonListenerException.class).isThrownBy(() -> of(name, parameterTypes))
			.withMessageStartingWith(
					"@PigeonListener method 'io.pigeon.internal.listener.ListenerMethodSignatureTests.Listeners." + name + "(")
			.withMessageContaining("has an unsupported parameter list: declare (PigeonEvent<T> event), (T data), "
					+ "(List<T> rows), (String payload) or (String channel, String payload)");
	}

	private static ListenerMethodSignature of(String name, Class<?>... parameterTypes) {
		Method method = ReflectionUtils.findMethod(Listeners.class, name, parameterTypes);
		assertThat(method).isNotNull();
		return ListenerMethodSignature.of(method, Listeners.class);
	}

	record Item(int id) {
	}

	@SuppressWarnings({ "unused", "rawtypes" })
	static class Listeners {

		void event(PigeonEvent<Item> event) {
		}

		void rawEvent(PigeonEvent event) {
		}

		void item(Item item) {
		}

		void map(Map<String, Object> data) {
		}

		void node(JsonNode data) {
		}

		void rows(List<Item> rows) {
		}

		void payload(String payload) {
		}

		void channelAndPayload(String channel, String payload) {
		}

		void none() {
		}

		void batch(List<PigeonEvent<Item>> events) {
		}

		void items(List<Item> items) {
		}

		void primitive(int id) {
		}

		void array(String[] payloads) {
		}

		void twoOthers(String channel, int id) {
		}

		void three(String a, String b, String c) {
		}

	}

}
