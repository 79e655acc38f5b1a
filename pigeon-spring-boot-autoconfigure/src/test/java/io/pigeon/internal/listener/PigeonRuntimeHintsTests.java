package io.pigeon.internal.listener;

import java.util.Map;

import io.pigeon.PigeonEvent;
import io.pigeon.PigeonListener;
import org.junit.jupiter.api.Test;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.PGStream;
import org.postgresql.core.QueryExecutorBase;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.annotation.ReflectiveRuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.ReflectionHintsPredicates;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.aot.AotServices;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PigeonRuntimeHints} and {@link PigeonListenerReflectiveProcessor}.
 */
class PigeonRuntimeHintsTests {

	private final ReflectionHintsPredicates reflection = RuntimeHintsPredicates.reflection();

	@Test
	void registrarIsFoundThroughAotFactories() {
		assertThat(AotServices.factories().load(RuntimeHintsRegistrar.class))
			.anyMatch(PigeonRuntimeHints.class::isInstance);
	}

	@Test
	void changeEnvelopeCanBeBoundByJackson() {
		RuntimeHints hints = pigeonHints();
		assertThat(this.reflection.onType(ChangeEnvelope.class)).accepts(hints);
		assertThat(this.reflection.onConstructorInvocation(ChangeEnvelope.class.getDeclaredConstructors()[0]))
			.accepts(hints);
		assertThat(this.reflection.onMethodInvocation(ChangeEnvelope.class, "data")).accepts(hints);
		assertThat(this.reflection.onMethodInvocation(ChangeEnvelope.class, "old")).accepts(hints);
	}

	@Test
	void conditionsCanReadTheChange() {
		RuntimeHints hints = pigeonHints();
		assertThat(this.reflection.onMethodInvocation(ChangeView.class, "getData")).accepts(hints);
		assertThat(this.reflection.onMethodInvocation(ChangeView.class, "getAction")).accepts(hints);
	}

	@Test
	void pgjdbcInternalsOfTheLatencyTunerAreReachable() {
		RuntimeHints hints = pigeonHints();
		assertThat(this.reflection.onMethodInvocation(BaseConnection.class, "getQueryExecutor")).accepts(hints);
		assertThat(this.reflection.onFieldAccess(QueryExecutorBase.class, "pgStream")).accepts(hints);
		assertThat(this.reflection.onFieldAccess(PGStream.class, "nextStreamAvailableCheckTime")).accepts(hints);
		assertThat(this.reflection.onMethodInvocation(PGStream.class, "setMinStreamAvailableCheckDelay"))
			.accepts(hints);
	}

	@Test
	void listenerMethodsCanBeInvoked() {
		RuntimeHints hints = listenerHints();
		assertThat(this.reflection.onMethodInvocation(Listeners.class, "onEvent")).accepts(hints);
		assertThat(this.reflection.onMethodInvocation(Listeners.class, "onData")).accepts(hints);
		assertThat(this.reflection.onMethodInvocation(Listeners.class, "onPayload")).accepts(hints);
		assertThat(this.reflection.onMethodInvocation(Listeners.class, "notAListener")).rejects(hints);
	}

	@Test
	void typeOfAnEventIsRegisteredForBinding() {
		RuntimeHints hints = listenerHints();
		assertThat(this.reflection.onConstructorInvocation(Item.class.getDeclaredConstructors()[0])).accepts(hints);
		assertThat(this.reflection.onMethodInvocation(Item.class, "name")).accepts(hints);
		assertThat(this.reflection.onType(PigeonEvent.class)).rejects(hints);
	}

	@Test
	void typeOfDataIsRegisteredForBindingWithItsTypeArguments() {
		RuntimeHints hints = listenerHints();
		assertThat(this.reflection.onMethodInvocation(Bean.class, "setLabel")).accepts(hints);
		assertThat(this.reflection.onMethodInvocation(Price.class, "amount")).accepts(hints);
	}

	@Test
	void unsupportedSignatureIsLeftToStartUpToRefuse() {
		RuntimeHints hints = listenerHints();
		assertThat(this.reflection.onMethodInvocation(Listeners.class, "unsupported")).accepts(hints);
		assertThat(this.reflection.onType(Unbound.class)).rejects(hints);
	}

	private static RuntimeHints pigeonHints() {
		RuntimeHints hints = new RuntimeHints();
		new PigeonRuntimeHints().registerHints(hints, PigeonRuntimeHintsTests.class.getClassLoader());
		return hints;
	}

	private static RuntimeHints listenerHints() {
		RuntimeHints hints = new RuntimeHints();
		new ReflectiveRuntimeHintsRegistrar().registerRuntimeHints(hints, Listeners.class);
		return hints;
	}

	record Item(long id, String name) {

	}

	record Price(String amount) {

	}

	static class Bean {

		private String label = "";

		public String getLabel() {
			return this.label;
		}

		public void setLabel(String label) {
			this.label = label;
		}

	}

	record Unbound(String value) {

	}

	static class Listeners {

		@PigeonListener(channel = "items")
		void onEvent(PigeonEvent<Item> event) {
		}

		@PigeonListener(channel = "beans")
		void onData(Map<String, Price> prices) {
		}

		@PigeonListener(channel = "beans")
		void onBean(Bean bean) {
		}

		@PigeonListener(channel = "raw")
		void onPayload(String channel, String payload) {
		}

		@PigeonListener(channel = "raw")
		void unsupported(Unbound first, Unbound second) {
		}

		void notAListener(Item item) {
		}

	}

}
