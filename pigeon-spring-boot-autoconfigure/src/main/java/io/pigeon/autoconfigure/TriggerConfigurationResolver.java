package io.pigeon.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import io.pigeon.internal.install.TriggerConfiguration;
import io.pigeon.internal.sql.TriggerDefinition;
import io.pigeon.internal.sql.TriggerOptions;
import org.jspecify.annotations.Nullable;

import org.springframework.util.StringUtils;

/**
 * Turns the {@code pigeon.schemas} properties into a {@link TriggerConfiguration}: applies every
 * default (a table without triggers gets one, {@code pigeon_<table>_notify} calling
 * {@code <trigger>_fn} and notifying the table's name) and remembers each trigger's canonical
 * property path. It judges nothing: the catalog validator reports every problem, with the
 * paths recorded here.
 */
final class TriggerConfigurationResolver {

	private static final String PREFIX = "pigeon.schemas";

	private TriggerConfigurationResolver() {
	}

	static TriggerConfiguration resolve(PigeonProperties properties) {
		List<TriggerConfiguration.Schema> schemas = new ArrayList<>();
		List<PigeonProperties.Schema> configured = properties.getSchemas();
		for (int i = 0; i < configured.size(); i++) {
			schemas.add(resolve(configured.get(i), PREFIX + "[" + i + "]"));
		}
		return new TriggerConfiguration(schemas,
				properties.getDurable().getWakeUp() == PigeonProperties.Durable.WakeUp.NOTIFY);
	}

	private static TriggerConfiguration.Schema resolve(PigeonProperties.Schema schema, String path) {
		List<TriggerConfiguration.Table> tables = new ArrayList<>();
		List<PigeonProperties.Table> configured = schema.getTables();
		for (int i = 0; i < configured.size(); i++) {
			tables.add(resolve(nameOrNull(schema.getName()), configured.get(i), path + ".tables[" + i + "]"));
		}
		return new TriggerConfiguration.Schema(nameOrNull(schema.getName()), path, tables);
	}

	private static TriggerConfiguration.Table resolve(@Nullable String schema, PigeonProperties.Table table,
			String path) {
		String name = nameOrNull(table.getName());
		List<TriggerConfiguration.Trigger> triggers = new ArrayList<>();
		if (schema != null && name != null) {
			List<PigeonProperties.Trigger> configured = table.getTriggers();
			if (configured.isEmpty()) {
				triggers.add(resolve(schema, name, new PigeonProperties.Trigger(), path));
			}
			for (int i = 0; i < configured.size(); i++) {
				triggers.add(resolve(schema, name, configured.get(i), path + ".triggers[" + i + "]"));
			}
		}
		return new TriggerConfiguration.Table(name, path, triggers);
	}

	private static TriggerConfiguration.Trigger resolve(String schema, String table, PigeonProperties.Trigger trigger,
			String path) {
		boolean defaultName = !StringUtils.hasLength(trigger.getName());
		String name = defaultName ? "pigeon_" + table + "_notify" : trigger.getName();
		boolean defaultFunction = !StringUtils.hasLength(trigger.getFunction());
		String function = defaultFunction ? name + "_fn" : trigger.getFunction();
		String channel = StringUtils.hasLength(trigger.getChannel()) ? trigger.getChannel() : table;
		TriggerDefinition definition = new TriggerDefinition(schema, table, name, function, channel,
				List.copyOf(trigger.getColumns()), trigger.isIncludeOld(), trigger.getLevel(),
				List.copyOf(trigger.getEvents()), List.copyOf(trigger.getUpdateOf()), trigger.getTiming(),
				trigger.getDelivery(),
				new TriggerOptions(trigger.getCondition(), trigger.isChangedOnly(), List.copyOf(trigger.getIgnoreColumns()),
						trigger.isIncludeChanged(), trigger.getContext(), trigger.isIncludeRows(),
						List.copyOf(trigger.getKey())));
		return new TriggerConfiguration.Trigger(definition, trigger.isActive(), path, defaultName, defaultFunction);
	}

	/**
	 * An empty name is treated as missing: PostgreSQL has no zero-length identifiers.
	 */
	private static @Nullable String nameOrNull(@Nullable String name) {
		return StringUtils.hasLength(name) ? name : null;
	}

}
