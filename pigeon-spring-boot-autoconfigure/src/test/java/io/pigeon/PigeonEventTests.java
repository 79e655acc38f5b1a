package io.pigeon;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link PigeonEvent}: the builder and the constructor of 0.1 make the same event, with
 * the value semantics the record had.
 */
class PigeonEventTests {

	private static final String PAYLOAD = "{\"action\":\"UPDATE\"}";

	@Test
	void builderMakesTheEventTheConstructorMakes() {
		PigeonEvent<String> built = PigeonEvent.<String>builder("items", PigeonAction.UPDATE, "public", "items")
			.data("new")
			.old("old")
			.count(2L)
			.payload(PAYLOAD)
			.build();
		PigeonEvent<String> constructed = new PigeonEvent<>("items", PigeonAction.UPDATE, "public", "items", "new",
				"old", 2L, PAYLOAD);
		assertThat(built).isEqualTo(constructed).hasSameHashCodeAs(constructed);
		assertThat(built.channel()).isEqualTo("items");
		assertThat(built.action()).isEqualTo(PigeonAction.UPDATE);
		assertThat(built.schema()).isEqualTo("public");
		assertThat(built.table()).isEqualTo("items");
		assertThat(built.data()).isEqualTo("new");
		assertThat(built.old()).isEqualTo("old");
		assertThat(built.count()).isEqualTo(2L);
		assertThat(built.payload()).isEqualTo(PAYLOAD);
		assertThat(built).hasToString("PigeonEvent[channel=items, action=UPDATE, schema=public, table=items, "
				+ "data=new, old=old, count=2, payload=" + PAYLOAD + "]");
	}

	@Test
	void builderCarriesTheRowsTheChangedColumnsAndTheContext() {
		Map<String, String> context = new LinkedHashMap<>();
		context.put("user", "42");
		context.put("request", null);
		PigeonEvent<String> event = PigeonEvent.<String>builder("items", PigeonAction.UPDATE, "public", "items")
			.rows(List.of("a", "b"))
			.changed(List.of("price"))
			.context(context)
			.payload(PAYLOAD)
			.build();
		assertThat(event.rows()).containsExactly("a", "b");
		assertThat(event.changed()).containsExactly("price");
		assertThat(event.context()).containsEntry("user", "42").containsEntry("request", null);
		assertThat(event).isNotEqualTo(PigeonEvent.<String>builder("items", PigeonAction.UPDATE, "public", "items")
			.rows(List.of("a"))
			.changed(List.of("price"))
			.context(context)
			.payload(PAYLOAD)
			.build());
	}

	@Test
	void propertiesNotGivenAreNull() {
		PigeonEvent<Object> event = PigeonEvent.builder("items", PigeonAction.TRUNCATE, "public", "items")
			.payload(PAYLOAD)
			.build();
		assertThat(event.data()).isNull();
		assertThat(event.old()).isNull();
		assertThat(event.count()).isNull();
		assertThat(event.id()).isNull();
		assertThat(event.attempt()).isOne();
		assertThat(event.rows()).isNull();
		assertThat(event.changed()).isNull();
		assertThat(event.context()).isNull();
	}

	@Test
	void durableEventCarriesItsLogIdAndAttempt() {
		PigeonEvent<Object> event = PigeonEvent.builder("items", PigeonAction.INSERT, "public", "items")
			.payload(PAYLOAD)
			.id(42L)
			.attempt(3)
			.build();
		assertThat(event.id()).isEqualTo(42L);
		assertThat(event.attempt()).isEqualTo(3);
		assertThat(event).hasToString("PigeonEvent[channel=items, action=INSERT, schema=public, table=items, "
				+ "data=null, old=null, count=null, payload=" + PAYLOAD + ", id=42, attempt=3]");
		assertThat(event).isNotEqualTo(PigeonEvent.builder("items", PigeonAction.INSERT, "public", "items")
			.payload(PAYLOAD)
			.id(42L)
			.build());
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PigeonEvent.builder("items", PigeonAction.INSERT, "public", "items").attempt(0));
	}

	@Test
	void eventsThatDifferInAnyPropertyAreNotEqual() {
		PigeonEvent<String> event = new PigeonEvent<>("c", PigeonAction.INSERT, "s", "t", "d", null, null, PAYLOAD);
		assertThat(event).isNotEqualTo(new PigeonEvent<>("c", PigeonAction.DELETE, "s", "t", "d", null, null, PAYLOAD))
			.isNotEqualTo(new PigeonEvent<>("c", PigeonAction.INSERT, "s", "t", "x", null, null, PAYLOAD))
			.isNotEqualTo(new PigeonEvent<>("c", PigeonAction.INSERT, "s", "t", "d", null, 1L, PAYLOAD));
	}

	@Test
	void payloadIsRequired() {
		assertThatIllegalStateException()
			.isThrownBy(() -> PigeonEvent.builder("items", PigeonAction.INSERT, "public", "items").build())
			.withMessageContaining("payload(json)");
	}

}
