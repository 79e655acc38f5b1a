package io.pigeon.autoconfigure;

import java.util.List;
import java.util.Map;

import io.pigeon.internal.install.TriggerConfiguration;
import io.pigeon.internal.sql.TriggerDefinition;
import io.pigeon.PigeonAction;
import io.pigeon.TriggerLevel;
import io.pigeon.TriggerDelivery;
import io.pigeon.TriggerTiming;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TriggerConfigurationResolver}.
 */
class TriggerConfigurationResolverTests {

	@Test
	void tableWithoutTriggersGetsOneWithEveryDefaultAtTheTablesPath() {
		TriggerConfiguration configuration = resolve(Map.of("pigeon.schemas[0].name", "shop",
				"pigeon.schemas[0].tables[0].name", "items"));
		assertThat(configuration.triggers()).singleElement().satisfies((trigger) -> {
			assertThat(trigger.path()).isEqualTo("pigeon.schemas[0].tables[0]");
			assertThat(trigger.active()).isTrue();
			assertThat(trigger.defaultName()).isTrue();
			assertThat(trigger.defaultFunction()).isTrue();
			assertThat(trigger.definition()).isEqualTo(new TriggerDefinition("shop", "items", "pigeon_items_notify",
					"pigeon_items_notify_fn", "items", List.of(), false, TriggerLevel.ROW,
					List.of(PigeonAction.INSERT, PigeonAction.UPDATE, PigeonAction.DELETE), List.of(),
					TriggerTiming.AFTER));
		});
	}

	@Test
	void declaredTriggersKeepTheirKebabCasePathsAndDeriveTheirFunctionFromTheirName() {
		TriggerConfiguration configuration = resolve(Map.of("pigeon.schemas[0].name", "shop",
				"pigeon.schemas[0].tables[0].name", "Order Items", "pigeon.schemas[0].tables[0].triggers[0].name",
				"orders_changed", "pigeon.schemas[0].tables[0].triggers[0].channel", "Orders",
				"pigeon.schemas[0].tables[0].triggers[0].timing", "instead-of",
				"pigeon.schemas[0].tables[0].triggers[0].update-of", "MiXeD,price",
				"pigeon.schemas[0].tables[0].triggers[0].include-old", "true",
				"pigeon.schemas[0].tables[0].triggers[1].function", "mine",
				"pigeon.schemas[0].tables[0].triggers[1].events", "truncate",
				"pigeon.schemas[0].tables[0].triggers[1].active", "false"));
		List<TriggerConfiguration.Trigger> triggers = configuration.triggers();
		assertThat(triggers).extracting(TriggerConfiguration.Trigger::path)
			.containsExactly("pigeon.schemas[0].tables[0].triggers[0]", "pigeon.schemas[0].tables[0].triggers[1]");
		TriggerDefinition first = triggers.get(0).definition();
		assertThat(first.name()).isEqualTo("orders_changed");
		assertThat(first.function()).isEqualTo("orders_changed_fn");
		assertThat(first.channel()).isEqualTo("Orders");
		assertThat(first.timing()).isEqualTo(TriggerTiming.INSTEAD_OF);
		assertThat(first.updateOf()).containsExactly("MiXeD", "price");
		assertThat(first.includeOld()).isTrue();
		assertThat(first.delivery()).isEqualTo(TriggerDelivery.NOTIFY);
		assertThat(triggers.get(0).defaultName()).isFalse();
		assertThat(triggers.get(0).defaultFunction()).isTrue();
		TriggerDefinition second = triggers.get(1).definition();
		assertThat(second.name()).isEqualTo("pigeon_Order Items_notify");
		assertThat(second.function()).isEqualTo("mine");
		assertThat(second.channel()).isEqualTo("Order Items");
		assertThat(second.events()).containsExactly(PigeonAction.TRUNCATE);
		assertThat(triggers.get(1).active()).isFalse();
		assertThat(triggers.get(1).defaultFunction()).isFalse();
		assertThat(triggers.get(1).path("events", 0)).isEqualTo("pigeon.schemas[0].tables[0].triggers[1].events[0]");
	}

	@Test
	void deliveryAndWakeUpAreCarriedIntoTheConfiguration() {
		TriggerConfiguration configuration = resolve(Map.of("pigeon.schemas[0].name", "shop",
				"pigeon.schemas[0].tables[0].name", "items", "pigeon.schemas[0].tables[0].triggers[0].name", "a",
				"pigeon.schemas[0].tables[0].triggers[1].name", "b",
				"pigeon.schemas[0].tables[0].triggers[1].delivery", "durable", "pigeon.durable.wake-up", "poll"));
		assertThat(configuration.triggers()).extracting((trigger) -> trigger.definition().delivery())
			.containsExactly(TriggerDelivery.NOTIFY, TriggerDelivery.DURABLE);
		assertThat(configuration.durableWakeUp()).isFalse();
		assertThat(resolve(Map.of("pigeon.schemas[0].name", "shop")).durableWakeUp()).isTrue();
	}

	@Test
	void emptyTriggerNamesTakeTheirDefaults() {
		TriggerConfiguration configuration = resolve(Map.of("pigeon.schemas[0].name", "shop",
				"pigeon.schemas[0].tables[0].name", "items", "pigeon.schemas[0].tables[0].triggers[0].name", "",
				"pigeon.schemas[0].tables[0].triggers[0].channel", ""));
		assertThat(configuration.triggers()).singleElement().satisfies((trigger) -> {
			assertThat(trigger.definition().name()).isEqualTo("pigeon_items_notify");
			assertThat(trigger.definition().channel()).isEqualTo("items");
		});
	}

	@Test
	void missingSchemaOrTableNamesAreKeptForTheValidatorWithoutTriggers() {
		TriggerConfiguration configuration = resolve(Map.of("pigeon.schemas[0].tables[0].name", "items",
				"pigeon.schemas[1].name", "shop", "pigeon.schemas[1].tables[0].triggers[0].name", "watch"));
		assertThat(configuration.schemas()).extracting(TriggerConfiguration.Schema::name).containsExactly(null, "shop");
		assertThat(configuration.schemas().get(1).tables()).singleElement().satisfies((table) -> {
			assertThat(table.name()).isNull();
			assertThat(table.path()).isEqualTo("pigeon.schemas[1].tables[0]");
		});
		assertThat(configuration.triggers()).isEmpty();
	}

	private static TriggerConfiguration resolve(Map<String, String> properties) {
		PigeonProperties bound = new Binder(new MapConfigurationPropertySource(properties))
			.bindOrCreate("pigeon", PigeonProperties.class);
		return TriggerConfigurationResolver.resolve(bound);
	}

}
