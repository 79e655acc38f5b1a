package io.pigeon.internal.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

import io.pigeon.TriggerTiming;
import io.pigeon.internal.payload.PayloadContract;
import org.jspecify.annotations.Nullable;

/**
 * The boolean SQL that decides whether a trigger fires: Pigeon's silencing check, then
 * {@code changed-only} and {@code ignore-columns}, then the configured {@code condition}. A
 * trigger has them as its {@code WHEN} clause, which PostgreSQL evaluates before it calls the
 * function (and never calls it when the clause is false).
 * <p>
 * The row filter is written over two row aliases, {@code OLD} and {@code NEW} in a trigger, so
 * that a statement-level, set-based writer can apply the same filter to the rows of its
 * transition tables by naming them {@code old} and {@code new} (neither is a reserved word),
 * the condition included: it is written against those names.
 * <p>
 * Values are compared as {@code jsonb} ({@code to_jsonb}), which every type has and which never
 * fails: an equality operator does not exist for {@code json}, {@code xml} or {@code point}, and
 * a row comparison with {@code IS DISTINCT FROM} would fail the user's write on them. So
 * {@code json} and {@code jsonb} compare by value, {@code numeric} by value ({@code 1.0} equals
 * {@code 1.00}) and other types by their JSON form.
 */
final class TriggerFilter {

	/**
	 * True unless the transaction silenced Pigeon ({@link PayloadContract#SILENCE_SETTING}).
	 * {@code current_setting(..., true)} is NULL when the setting was never set in the session
	 * and an empty string after a transaction that set it locally ended, so only {@code on}
	 * silences.
	 */
	static final String NOT_SILENCED = "pg_catalog.current_setting("
			+ SqlIdentifiers.literal(PayloadContract.SILENCE_SETTING) + ", true) IS DISTINCT FROM 'on'";

	private TriggerFilter() {
	}

	/**
	 * Return the trigger's {@code WHEN} condition, without the keyword and its brackets.
	 * INSTEAD OF triggers cannot have one: their functions check silencing themselves.
	 * @param definition the trigger
	 * @return the condition, or {@code null} for an INSTEAD OF trigger
	 */
	static @Nullable String whenCondition(TriggerDefinition definition) {
		if (definition.timing() == TriggerTiming.INSTEAD_OF) {
			return null;
		}
		String rows = rowFilter(definition, "OLD", "NEW");
		return (rows != null) ? NOT_SILENCED + "\n\tAND " + rows : NOT_SILENCED;
	}

	/**
	 * Return the filter of {@code changed-only}, {@code ignore-columns} and {@code condition}
	 * over two row aliases, or {@code null} when the trigger has none of them.
	 * @param definition the trigger
	 * @param oldRow the alias of the old row
	 * @param newRow the alias of the new row
	 * @return the filter, each part in brackets
	 */
	static @Nullable String rowFilter(TriggerDefinition definition, String oldRow, String newRow) {
		return rowFilter(definition, oldRow, newRow, oldRow, newRow);
	}

	/**
	 * Return the filter of {@link #rowFilter(TriggerDefinition, String, String)}, with other
	 * expressions for the whole rows than their aliases (a set-based writer's rows, whose
	 * alias alone would mean a column of that name, if the table had one).
	 * @param definition the trigger
	 * @param oldRow the alias of the old row
	 * @param newRow the alias of the new row
	 * @param oldWhole an expression of the whole old row
	 * @param newWhole an expression of the whole new row
	 * @return the filter, each part in brackets
	 */
	static @Nullable String rowFilter(TriggerDefinition definition, String oldRow, String newRow, String oldWhole,
			String newWhole) {
		TriggerOptions options = definition.options();
		List<String> parts = new ArrayList<>();
		List<String> ignored = options.ignoreColumns();
		if (options.changedOnly()) {
			List<String> watched = !definition.updateOf().isEmpty() ? definition.updateOf() : definition.columns();
			if (watched.isEmpty()) {
				parts.add(wholeRow(oldWhole, ignored) + " IS DISTINCT FROM " + wholeRow(newWhole, ignored));
			}
			else {
				StringJoiner any = new StringJoiner(" OR ", "(", ")");
				for (String column : watched) {
					if (!ignored.contains(column)) {
						any.add(distinct(oldRow, newRow, column));
					}
				}
				parts.add((any.length() > 2) ? any.toString() : "false");
			}
		}
		else if (!ignored.isEmpty()) {
			// fire unless something changed and every change is of an ignored column
			parts.add("(" + wholeRow(oldWhole, ignored) + " IS DISTINCT FROM " + wholeRow(newWhole, ignored) + " OR "
					+ wholeRow(oldWhole, List.of()) + " = " + wholeRow(newWhole, List.of()) + ")");
		}
		String condition = options.condition();
		if (condition != null) {
			// the line break ends a trailing -- comment in the condition
			parts.add("(" + condition + "\n\t)");
		}
		return parts.isEmpty() ? null : String.join("\n\tAND ", parts);
	}

	/**
	 * Return an expression of the JSON array of the payload's columns whose values differ
	 * between two rows of the same table, in table order, without the ignored columns:
	 * {@link PayloadContract#CHANGED}.
	 * @param definition the trigger
	 * @param oldRow the alias of the old row
	 * @param newRow the alias of the new row
	 * @return an expression of type {@code text}
	 */
	static String changedColumns(TriggerDefinition definition, String oldRow, String newRow) {
		StringBuilder where = new StringBuilder("n.value::jsonb IS DISTINCT FROM o.value::jsonb");
		if (!definition.columns().isEmpty()) {
			where.append(" AND n.key = ANY (").append(textArray(definition.columns())).append(')');
		}
		if (!definition.options().ignoreColumns().isEmpty()) {
			where.append(" AND n.key <> ALL (").append(textArray(definition.options().ignoreColumns())).append(')');
		}
		return "coalesce((SELECT json_agg(n.key ORDER BY n.position) FROM json_each(to_json(" + newRow
				+ ")) WITH ORDINALITY AS n(key, value, position) JOIN json_each(to_json(" + oldRow
				+ ")) WITH ORDINALITY AS o(key, value, position) ON o.position = n.position WHERE " + where
				+ ")::text, '[]')";
	}

	private static String wholeRow(String row, List<String> ignored) {
		String json = "pg_catalog.to_jsonb(" + row + ")";
		return ignored.isEmpty() ? json : "(" + json + " - " + textArray(ignored) + ")";
	}

	private static String distinct(String oldRow, String newRow, String column) {
		return "pg_catalog.to_jsonb(" + oldRow + "." + SqlIdentifiers.quote(column) + ") IS DISTINCT FROM "
				+ "pg_catalog.to_jsonb(" + newRow + "." + SqlIdentifiers.quote(column) + ")";
	}

	static String textArray(List<String> values) {
		StringJoiner array = new StringJoiner(", ", "ARRAY[", "]::text[]");
		values.forEach((value) -> array.add(SqlIdentifiers.literal(value)));
		return array.toString();
	}

}
