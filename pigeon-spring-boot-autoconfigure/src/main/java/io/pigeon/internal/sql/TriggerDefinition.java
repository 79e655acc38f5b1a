package io.pigeon.internal.sql;

import java.util.List;
import java.util.Objects;

import io.pigeon.PigeonAction;
import io.pigeon.TriggerDelivery;
import io.pigeon.TriggerLevel;
import io.pigeon.TriggerTiming;

/**
 * One Pigeon trigger with every name already resolved (defaults applied), the input of
 * {@link TriggerSqlGenerator}.
 *
 * @param schema the schema of the table or view
 * @param table the table or view the trigger is on
 * @param name the trigger's name
 * @param function the trigger function's name, created in {@code schema}
 * @param channel the NOTIFY channel, used exactly as given (case-sensitive)
 * @param columns the columns sent in {@code data} (and {@code old}), in this order; empty
 * for every column of the row
 * @param includeOld whether an UPDATE also sends the old row as {@code old}
 * @param level whether the trigger fires per row or per statement
 * @param events the statements the trigger fires on
 * @param updateOf the columns an UPDATE must set for the trigger to fire; empty for every
 * UPDATE
 * @param timing when the trigger fires relative to the change
 * @param delivery how the changes reach listeners: notified, or written to Pigeon's change log
 * @param options what sharpens the trigger: its condition, its change filters and the payload's
 * extra keys ({@link TriggerOptions#NONE} for none)
 * @since 0.1.0
 */
public record TriggerDefinition(String schema, String table, String name, String function, String channel,
		List<String> columns, boolean includeOld, TriggerLevel level, List<PigeonAction> events,
		List<String> updateOf, TriggerTiming timing, TriggerDelivery delivery, TriggerOptions options) {

	/**
	 * Create a definition without {@link TriggerOptions}.
	 * @param schema the schema of the table or view
	 * @param table the table or view the trigger is on
	 * @param name the trigger's name
	 * @param function the trigger function's name
	 * @param channel the NOTIFY channel
	 * @param columns the payload's columns, empty for every column
	 * @param includeOld whether an UPDATE also sends the old row
	 * @param level row or statement
	 * @param events the statements the trigger fires on
	 * @param updateOf the columns an UPDATE must set, empty for every UPDATE
	 * @param timing when the trigger fires
	 */
	public TriggerDefinition(String schema, String table, String name, String function, String channel,
			List<String> columns, boolean includeOld, TriggerLevel level, List<PigeonAction> events,
			List<String> updateOf, TriggerTiming timing) {
		this(schema, table, name, function, channel, columns, includeOld, level, events, updateOf, timing,
				TriggerDelivery.NOTIFY, TriggerOptions.NONE);
	}

	/**
	 * Create a definition without {@link TriggerOptions}.
	 * @param schema the schema of the table or view
	 * @param table the table or view the trigger is on
	 * @param name the trigger's name
	 * @param function the trigger function's name
	 * @param channel the channel
	 * @param columns the payload's columns, empty for every column
	 * @param includeOld whether an UPDATE also sends the old row
	 * @param level row or statement
	 * @param events the statements the trigger fires on
	 * @param updateOf the columns an UPDATE must set, empty for every UPDATE
	 * @param timing when the trigger fires
	 * @param delivery how the changes reach listeners
	 */
	public TriggerDefinition(String schema, String table, String name, String function, String channel,
			List<String> columns, boolean includeOld, TriggerLevel level, List<PigeonAction> events,
			List<String> updateOf, TriggerTiming timing, TriggerDelivery delivery) {
		this(schema, table, name, function, channel, columns, includeOld, level, events, updateOf, timing, delivery,
				TriggerOptions.NONE);
	}

	/**
	 * Create a notified definition ({@link TriggerDelivery#NOTIFY}) with options.
	 * @param schema the schema of the table or view
	 * @param table the table or view the trigger is on
	 * @param name the trigger's name
	 * @param function the trigger function's name
	 * @param channel the channel
	 * @param columns the payload's columns, empty for every column
	 * @param includeOld whether an UPDATE also sends the old row
	 * @param level row or statement
	 * @param events the statements the trigger fires on
	 * @param updateOf the columns an UPDATE must set, empty for every UPDATE
	 * @param timing when the trigger fires
	 * @param options the trigger's options
	 */
	public TriggerDefinition(String schema, String table, String name, String function, String channel,
			List<String> columns, boolean includeOld, TriggerLevel level, List<PigeonAction> events,
			List<String> updateOf, TriggerTiming timing, TriggerOptions options) {
		this(schema, table, name, function, channel, columns, includeOld, level, events, updateOf, timing,
				TriggerDelivery.NOTIFY, options);
	}

	public TriggerDefinition {
		Objects.requireNonNull(schema, "schema must not be null");
		Objects.requireNonNull(table, "table must not be null");
		Objects.requireNonNull(name, "name must not be null");
		Objects.requireNonNull(function, "function must not be null");
		Objects.requireNonNull(channel, "channel must not be null");
		Objects.requireNonNull(level, "level must not be null");
		Objects.requireNonNull(timing, "timing must not be null");
		Objects.requireNonNull(delivery, "delivery must not be null");
		Objects.requireNonNull(options, "options must not be null");
		// List.copyOf also rejects null elements
		columns = List.copyOf(Objects.requireNonNull(columns, "columns must not be null"));
		events = List.copyOf(Objects.requireNonNull(events, "events must not be null"));
		updateOf = List.copyOf(Objects.requireNonNull(updateOf, "updateOf must not be null"));
	}

	/**
	 * Return this definition with other options.
	 * @param options the options
	 * @return the definition
	 */
	public TriggerDefinition withOptions(TriggerOptions options) {
		return new TriggerDefinition(this.schema, this.table, this.name, this.function, this.channel, this.columns,
				this.includeOld, this.level, this.events, this.updateOf, this.timing, this.delivery, options);
	}

	/**
	 * Return this definition under another trigger and function name, for a trial installation.
	 * @param name the trigger's name
	 * @param function the function's name
	 * @return the definition
	 */
	public TriggerDefinition renamed(String name, String function) {
		return new TriggerDefinition(this.schema, this.table, name, function, this.channel, this.columns,
				this.includeOld, this.level, this.events, this.updateOf, this.timing, this.delivery, this.options);
	}

	/**
	 * Return whether the trigger writes its changes to Pigeon's change log.
	 * @return whether the delivery is {@link TriggerDelivery#DURABLE}
	 */
	public boolean durable() {
		return this.delivery == TriggerDelivery.DURABLE;
	}

}
