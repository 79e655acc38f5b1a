package io.pigeon.internal.sql;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What sharpens a trigger beyond its events and columns: when it fires ({@code condition},
 * {@code changed-only}, {@code ignore-columns}, all three in its {@code WHEN} clause) and what
 * its payload carries besides the rows ({@code include-changed}, {@code context},
 * {@code include-rows}). Kept apart from {@link TriggerDefinition}'s components so that a
 * trigger without them reads as before, and so that another sink can take the same options.
 *
 * @param condition a boolean SQL expression over {@code OLD} and {@code NEW}, PostgreSQL's
 * {@code WHEN} clause, or {@code null}; the one piece of raw SQL Pigeon accepts
 * @param changedOnly whether an UPDATE fires only when one of its watched columns (the
 * {@code update-of} columns, else the payload's) really differs
 * @param ignoreColumns columns whose change alone never fires the trigger
 * @param includeChanged whether UPDATE payloads list the columns whose values differ
 * @param context payload keys mapped to the custom settings read when the trigger runs, in
 * configuration order
 * @param includeRows whether a statement-level payload carries the rows it touched, split
 * into parts that fit a notification (a durable trigger logs them in one event)
 * @param laneKey the columns whose values make a durable event's lane key (the
 * {@code lane_key} of the log, which splits a subscription into lanes by key); empty for none.
 * Configured with {@code key}, else the table's primary key, looked up by the installer
 * @since 0.2.0
 */
public record TriggerOptions(@Nullable String condition, boolean changedOnly, List<String> ignoreColumns,
		boolean includeChanged, Map<String, String> context, boolean includeRows, List<String> laneKey) {

	/**
	 * No option: the trigger of version 0.1.
	 */
	public static final TriggerOptions NONE = new TriggerOptions(null, false, List.of(), false, Map.of(), false);

	/**
	 * Create options without a lane key.
	 * @param condition the condition
	 * @param changedOnly whether only real changes fire
	 * @param ignoreColumns the ignored columns
	 * @param includeChanged whether to list changed columns
	 * @param context the context keys
	 * @param includeRows whether statement payloads carry rows
	 */
	public TriggerOptions(@Nullable String condition, boolean changedOnly, List<String> ignoreColumns,
			boolean includeChanged, Map<String, String> context, boolean includeRows) {
		this(condition, changedOnly, ignoreColumns, includeChanged, context, includeRows, List.of());
	}

	public TriggerOptions {
		laneKey = List.copyOf(Objects.requireNonNull(laneKey, "laneKey must not be null"));
		ignoreColumns = List.copyOf(Objects.requireNonNull(ignoreColumns, "ignoreColumns must not be null"));
		// keep the configured order: it is the order of the payload's context keys
		context = Collections.unmodifiableMap(
				new LinkedHashMap<>(Objects.requireNonNull(context, "context must not be null")));
	}

	/**
	 * Return whether the options add anything to the trigger's {@code WHEN} clause besides
	 * Pigeon's silencing check.
	 * @return whether {@code condition}, {@code changed-only} or {@code ignore-columns} is set
	 */
	public boolean filters() {
		return this.condition != null || this.changedOnly || !this.ignoreColumns.isEmpty();
	}

	/**
	 * Return these options without the {@code condition}.
	 * @return the options
	 */
	public TriggerOptions withoutCondition() {
		return new TriggerOptions(null, this.changedOnly, this.ignoreColumns, this.includeChanged, this.context,
				this.includeRows, this.laneKey);
	}

	/**
	 * Return these options with another lane key.
	 * @param laneKey the key columns, empty for none
	 * @return the options
	 */
	public TriggerOptions withLaneKey(List<String> laneKey) {
		return new TriggerOptions(this.condition, this.changedOnly, this.ignoreColumns, this.includeChanged,
				this.context, this.includeRows, laneKey);
	}

}
