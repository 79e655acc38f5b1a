package io.pigeon.internal.install;

import java.util.List;

import io.pigeon.internal.sql.TriggerDefinition;
import org.jspecify.annotations.Nullable;

/**
 * The triggers Pigeon is configured to manage, with every default applied, each remembering
 * the canonical property path it was configured under so problems can name it.
 *
 * @param schemas the configured schemas, in configuration order
 * @param durableWakeUp whether durable triggers also send the wake-up NOTIFY
 * ({@code pigeon.durable.wake-up=notify}); part of their generated SQL
 * @since 0.1.0
 */
public record TriggerConfiguration(List<Schema> schemas, boolean durableWakeUp) {

	/**
	 * Create a new instance.
	 * @param schemas the configured schemas, in configuration order
	 * @param durableWakeUp whether durable triggers also send the wake-up NOTIFY
	 */
	public TriggerConfiguration {
		schemas = List.copyOf(schemas);
	}

	/**
	 * Create a new instance whose durable triggers send the wake-up NOTIFY.
	 * @param schemas the configured schemas, in configuration order
	 */
	public TriggerConfiguration(List<Schema> schemas) {
		this(schemas, true);
	}

	/**
	 * Return every configured trigger, active or not, in configuration order.
	 * @return the triggers
	 */
	public List<Trigger> triggers() {
		return this.schemas.stream()
			.flatMap((schema) -> schema.tables().stream())
			.flatMap((table) -> table.triggers().stream())
			.toList();
	}

	/**
	 * A configured schema.
	 *
	 * @param name the schema's name, {@code null} when the configuration lacks it
	 * @param path the property path of the schema, e.g. {@code pigeon.schemas[0]}
	 * @param tables the configured tables
	 */
	public record Schema(@Nullable String name, String path, List<Table> tables) {

		/**
		 * Create a new instance.
		 * @param name the schema's name, {@code null} when the configuration lacks it
		 * @param path the property path of the schema
		 * @param tables the configured tables
		 */
		public Schema {
			tables = List.copyOf(tables);
		}

	}

	/**
	 * A configured table or view.
	 *
	 * @param name the table's name, {@code null} when the configuration lacks it
	 * @param path the property path of the table, e.g. {@code pigeon.schemas[0].tables[1]}
	 * @param triggers the table's triggers; empty when the schema's or table's name is
	 * missing, since no trigger can be resolved without them
	 */
	public record Table(@Nullable String name, String path, List<Trigger> triggers) {

		/**
		 * Create a new instance.
		 * @param name the table's name, {@code null} when the configuration lacks it
		 * @param path the property path of the table
		 * @param triggers the table's triggers
		 */
		public Table {
			triggers = List.copyOf(triggers);
		}

	}

	/**
	 * A configured trigger with its defaults applied.
	 *
	 * @param definition the trigger's resolved definition
	 * @param active whether the trigger should be installed
	 * @param path the property path of the trigger, e.g.
	 * {@code pigeon.schemas[0].tables[1].triggers[0]}, or of its table when the table
	 * declares no trigger and gets the default one
	 * @param defaultName whether the trigger's name is the default one
	 * @param defaultFunction whether the function's name is the default one
	 */
	public record Trigger(TriggerDefinition definition, boolean active, String path, boolean defaultName,
			boolean defaultFunction) {

		/**
		 * Return the property path of one of this trigger's keys.
		 * @param key the kebab-case key, e.g. {@code update-of}
		 * @return the path, e.g. {@code pigeon.schemas[0].tables[1].triggers[0].update-of}
		 */
		public String path(String key) {
			return this.path + "." + key;
		}

		/**
		 * Return the property path of one element of one of this trigger's list keys.
		 * @param key the kebab-case key, e.g. {@code columns}
		 * @param index the element's index
		 * @return the path, e.g. {@code pigeon.schemas[0].tables[1].triggers[0].columns[2]}
		 */
		public String path(String key, int index) {
			return path(key) + "[" + index + "]";
		}

		/**
		 * Return a readable description of the trigger, e.g. {@code trigger "n" on "s"."t"}.
		 * @return the description
		 */
		public String describe() {
			return "trigger \"" + this.definition.name() + "\" on \"" + this.definition.schema() + "\".\""
					+ this.definition.table() + "\"";
		}

	}

}
