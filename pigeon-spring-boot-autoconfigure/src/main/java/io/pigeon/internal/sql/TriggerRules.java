package io.pigeon.internal.sql;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import io.pigeon.PigeonAction;
import io.pigeon.TriggerLevel;
import io.pigeon.TriggerTiming;
import io.pigeon.internal.payload.PayloadContract;
import org.jspecify.annotations.Nullable;

/**
 * The one set of rules a trigger's combination of events, level, timing, columns and
 * {@code update-of} must follow: those PostgreSQL enforces (TRUNCATE only per statement,
 * INSTEAD OF only on views and per row, no transition table on a view, ...), those of
 * coverage (no statement-level trigger on a partitioned table, which would miss writes to its
 * partitions) and those of Pigeon's payload (no row data at statement level,
 * {@code include-old} only with UPDATE).
 * <p>
 * The installer checks a configuration with the catalog's view of each relation and reports
 * every violation under its property path; {@link TriggerSqlGenerator} checks without it and
 * refuses the first, so nothing the installer accepted can fail half-way through an
 * installation. Violations come in a fixed order: events, timing, payload, then each column.
 *
 * @since 0.1.0
 */
public final class TriggerRules {

	/**
	 * The most context keys a payload carries: one {@code json_build_object} takes 50 pairs.
	 */
	static final int MAX_CONTEXT_KEYS = 50;

	/**
	 * A custom setting's name as {@code current_setting} reads it: names separated by dots.
	 */
	private static final Pattern CUSTOM_SETTING = Pattern
		.compile("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)+");

	private TriggerRules() {
	}

	/**
	 * Check a trigger.
	 * @param definition the trigger
	 * @param target what the catalog says about its relation, or {@code null} when unknown (the
	 * rules that depend on it are then skipped)
	 * @return every violation, empty if the trigger follows the rules
	 */
	public static List<TriggerViolation> check(TriggerDefinition definition, @Nullable TriggerTarget target) {
		List<TriggerViolation> violations = new ArrayList<>();
		checkEvents(definition, target, violations);
		checkTiming(definition, target, violations);
		checkPayload(definition, violations);
		checkColumns(definition, "columns", definition.columns(), target, violations);
		checkColumns(definition, "update-of", definition.updateOf(), target, violations);
		checkDelivery(definition, target, violations);
		checkOptions(definition, violations);
		checkColumns(definition, "ignore-columns", definition.options().ignoreColumns(), target, violations);
		checkLaneKey(definition, target, violations);
		return violations;
	}

	/**
	 * Durable triggers are AFTER triggers: a BEFORE trigger logs an attempted change that a
	 * later trigger may still alter or cancel, and the log's promise that two changes of a row
	 * are read in commit order rests on the row lock the write holds when an AFTER trigger
	 * runs (a BEFORE INSERT or an INSTEAD OF trigger runs before or without one). The further
	 * PostgreSQL triggers of a set-based one ({@code <name>_update}, ...) must fit
	 * PostgreSQL's name limit too. The {@link TriggerOptions} follow the same rules as for
	 * notify triggers: a set-based trigger applies its filter in its {@code INSERT ... SELECT}
	 * ({@link TriggerSqlGenerator}).
	 */
	private static void checkDelivery(TriggerDefinition definition, @Nullable TriggerTarget target,
			List<TriggerViolation> violations) {
		if (!definition.durable()) {
			return;
		}
		if (definition.timing() != TriggerTiming.AFTER) {
			violations.add(new TriggerViolation("delivery", null,
					"durable triggers must be after triggers, and this one is " + name(definition.timing())
							+ ": a before trigger would log a change a later trigger may still alter or cancel, and "
							+ "only an after trigger runs while the write holds its row lock, which keeps the log's "
							+ "changes of one row in commit order",
					(key) -> "Set '" + key.apply("timing") + "' to after, or '" + key.apply("delivery")
							+ "' to notify."));
			return;
		}
		TriggerTarget.Kind kind = (target != null) ? target.kind() : null;
		List<String> names = TriggerSqlGenerator.triggerNames(definition, kind);
		for (String name : names.subList(1, names.size())) {
			if (!SqlIdentifiers.fits(name)) {
				violations.add(new TriggerViolation("name", null,
						SqlIdentifiers.NameProblem.TOO_LONG.describe("trigger", name)
								+ " (a durable trigger on several events is one PostgreSQL trigger per event, named "
								+ "<name>_<event> after the first)",
						(key) -> "Shorten '" + key.apply("name") + "' to at most "
								+ (SqlIdentifiers.MAX_NAME_BYTES - (SqlIdentifiers.bytes(name)
										- SqlIdentifiers.bytes(definition.name())))
								+ " bytes."));
				return;
			}
		}
	}

	private static void checkEvents(TriggerDefinition definition, @Nullable TriggerTarget target,
			List<TriggerViolation> violations) {
		List<PigeonAction> events = definition.events();
		if (events.isEmpty()) {
			violations.add(violation("events", "no event is configured",
					"List at least one of insert, update, delete and truncate."));
		}
		Set<PigeonAction> seen = new HashSet<>();
		for (int i = 0; i < events.size(); i++) {
			PigeonAction event = events.get(i);
			if (!seen.add(event)) {
				violations.add(new TriggerViolation("events", i, name(event) + " is listed twice",
						(key) -> "Remove the duplicate."));
			}
			else if (event == PigeonAction.TRUNCATE && definition.level() == TriggerLevel.ROW) {
				violations.add(new TriggerViolation("events", i, "truncate triggers fire only at statement level",
						(key) -> "Set '" + key.apply("level") + "' to statement, or remove truncate."));
			}
			else if (event == PigeonAction.TRUNCATE && isView(target)) {
				violations.add(new TriggerViolation("events", i, "views cannot have truncate triggers",
						(key) -> "Remove truncate."));
			}
		}
		if (!definition.updateOf().isEmpty() && !events.contains(PigeonAction.UPDATE)) {
			violations.add(new TriggerViolation("update-of", null, "update-of needs the update event",
					(key) -> "Add update to '" + key.apply("events") + "', or remove update-of."));
		}
	}

	private static void checkTiming(TriggerDefinition definition, @Nullable TriggerTarget target,
			List<TriggerViolation> violations) {
		if (definition.timing() == TriggerTiming.INSTEAD_OF) {
			if (definition.level() != TriggerLevel.ROW) {
				violations.add(new TriggerViolation("level", null, "instead-of triggers fire only at row level",
						(key) -> "Set '" + key.apply("level") + "' to row."));
			}
			if (!definition.updateOf().isEmpty()) {
				violations.add(violation("update-of", "instead-of triggers cannot be restricted to columns",
						"Remove update-of."));
			}
			if (target != null && target.kind() != TriggerTarget.Kind.VIEW) {
				violations.add(new TriggerViolation("timing", null, "instead-of triggers are only possible on views, and "
						+ describe(definition, target) + " is a " + target.kind(),
						(key) -> "Set '" + key.apply("timing") + "' to after (or before)."));
			}
		}
		else if (target != null && target.kind() == TriggerTarget.Kind.PARTITIONED_TABLE
				&& definition.level() == TriggerLevel.STATEMENT) {
			// PostgreSQL clones only row-level triggers onto partitions: a statement that names a
			// partition would go unnoticed. Installing a copy on each partition would still miss
			// partitions attached later, so the configuration must say what it covers.
			violations.add(new TriggerViolation("level", null,
					"statement-level triggers on a partitioned table fire only for statements that name it, not for "
							+ "those writing to a partition directly, and " + describe(definition, target)
							+ " is a partitioned table",
					(key) -> "Set '" + key.apply("level") + "' to row (PostgreSQL gives row-level triggers to every "
							+ "partition, including those created later), or configure the statement-level trigger "
							+ "on each partition that is written to directly."));
		}
		else if (isView(target) && TriggerSqlGenerator.countsRows(definition)) {
			violations.add(new TriggerViolation("timing", null,
					"an after statement-level trigger on one event counts the rows it touched with a transition "
							+ "table, which PostgreSQL refuses on views, and " + describe(definition, target)
							+ " is a view",
					(key) -> "Set '" + key.apply("timing") + "' to before, or add another event."));
		}
		else if (isView(target) && definition.level() == TriggerLevel.ROW) {
			violations.add(new TriggerViolation("timing", null,
					name(definition.timing()) + " row-level triggers are not possible on views, and "
							+ describe(definition, target) + " is a view",
					(key) -> "Set '" + key.apply("timing") + "' to instead-of (the write then becomes an event), "
							+ "or use statement level."));
		}
	}

	private static void checkPayload(TriggerDefinition definition, List<TriggerViolation> violations) {
		boolean rowLevel = definition.level() == TriggerLevel.ROW;
		if (!PayloadContract.carriesData(rowLevel)) {
			if (!definition.columns().isEmpty() && !definition.options().includeRows()) {
				violations.add(new TriggerViolation("columns", null,
						"statement-level payloads carry no row data, so no columns can be chosen",
						(key) -> "Remove columns, set '" + key.apply("include-rows") + "' to true, or set '"
								+ key.apply("level") + "' to row."));
			}
			if (definition.includeOld()) {
				violations.add(new TriggerViolation("include-old", null,
						"statement-level payloads carry no row data, so no old values",
						(key) -> "Remove include-old, or set '" + key.apply("level") + "' to row."));
			}
		}
		else if (definition.includeOld() && !definition.events().contains(PigeonAction.UPDATE)) {
			violations.add(new TriggerViolation("include-old", null,
					"include-old sends the old values of an UPDATE, and update is not among the events",
					(key) -> "Add update to '" + key.apply("events") + "', or remove include-old."));
		}
	}

	/**
	 * The rules of the {@link TriggerOptions}. A condition and the change filters live in the
	 * trigger's {@code WHEN} clause, which PostgreSQL refuses on INSTEAD OF triggers and which
	 * cannot read rows at statement level; {@code changed-only} and {@code ignore-columns}
	 * compare OLD with NEW, which PostgreSQL allows only in a trigger on UPDATE alone.
	 */
	private static void checkOptions(TriggerDefinition definition, List<TriggerViolation> violations) {
		TriggerOptions options = definition.options();
		boolean rowLevel = definition.level() == TriggerLevel.ROW;
		boolean insteadOf = definition.timing() == TriggerTiming.INSTEAD_OF;
		String condition = options.condition();
		if (condition != null) {
			if (condition.isBlank()) {
				violations.add(violation("condition", "the condition is empty",
						"Write a boolean SQL expression over OLD and NEW, or remove condition."));
			}
			else if (enclosureProblem(condition) != null) {
				violations.add(violation("condition", "the condition is not one expression: " + enclosureProblem(condition),
						"Write one boolean expression: brackets balanced, no semicolon and no /* comment outside "
								+ "quotes."));
			}
			else if (!rowLevel) {
				violations.add(new TriggerViolation("condition", null,
						"statement-level triggers see no row, so a condition over OLD and NEW is not possible",
						(key) -> "Remove condition, or set '" + key.apply("level") + "' to row."));
			}
			else if (insteadOf) {
				violations.add(new TriggerViolation("condition", null,
						"PostgreSQL allows no WHEN condition on instead-of triggers",
						(key) -> "Remove condition, and filter in the listener (@PigeonListener's condition)."));
			}
		}
		checkUpdateFilter(definition, "changed-only", options.changedOnly(), violations);
		List<String> watched = !definition.updateOf().isEmpty() ? definition.updateOf() : definition.columns();
		if (options.changedOnly() && !watched.isEmpty() && options.ignoreColumns().containsAll(watched)) {
			violations.add(new TriggerViolation("ignore-columns", null,
					"every column changed-only watches is ignored, so the trigger would never fire",
					(key) -> "Remove those columns from ignore-columns, or watch others with '" + key.apply("columns")
							+ "' or '" + key.apply("update-of") + "'."));
		}
		checkUpdateFilter(definition, "ignore-columns", !options.ignoreColumns().isEmpty(), violations);
		if (options.includeChanged()) {
			if (!rowLevel) {
				violations.add(new TriggerViolation("include-changed", null,
						"statement-level payloads carry no old and new row to compare",
						(key) -> "Remove include-changed, or set '" + key.apply("level") + "' to row."));
			}
			else if (!definition.events().contains(PigeonAction.UPDATE)) {
				violations.add(new TriggerViolation("include-changed", null,
						"include-changed lists the columns an UPDATE changed, and update is not among the events",
						(key) -> "Add update to '" + key.apply("events") + "', or remove include-changed."));
			}
		}
		if (options.context().size() > MAX_CONTEXT_KEYS) {
			violations.add(violation("context", "more than " + MAX_CONTEXT_KEYS + " context keys are configured",
					"Keep at most " + MAX_CONTEXT_KEYS + " keys."));
		}
		options.context().forEach((name, setting) -> {
			String key = "context." + name;
			if (name.isEmpty()) {
				violations.add(violation("context", "a context key is empty", "Name every context key."));
			}
			else if (!CUSTOM_SETTING.matcher(setting).matches()) {
				violations.add(violation(key, "\"" + setting + "\" is not the name of a custom setting",
						"Name a custom setting such as app.user_id: two or more names of letters, digits and "
								+ "underscores separated by dots."));
			}
			else if (setting.toLowerCase(Locale.ROOT).startsWith("pigeon.")) {
				violations.add(violation(key, "settings under pigeon. are Pigeon's own",
						"Use a prefix of your own, such as app."));
			}
		});
		if (options.includeRows()) {
			if (rowLevel) {
				violations.add(new TriggerViolation("include-rows", null,
						"include-rows collects the rows of a statement, and the trigger fires per row",
						(key) -> "Set '" + key.apply("level") + "' to statement, or remove include-rows (row-level "
								+ "payloads carry their row)."));
			}
			else if (!TriggerSqlGenerator.countsRows(definition)) {
				violations.add(new TriggerViolation("include-rows", null,
						"include-rows reads the statement's rows from a transition table, which PostgreSQL gives "
								+ "only to an after trigger on exactly one of insert, update and delete, without "
								+ "update-of",
						(key) -> "Set '" + key.apply("timing") + "' to after and '" + key.apply("events")
								+ "' to one of insert, update and delete, without update-of; or remove include-rows."));
			}
		}
	}

	/**
	 * The condition is copied into {@code WHEN (...)}: it must not close that bracket, end the
	 * statement or open a comment that swallows the rest, so that what is installed is the
	 * condition and nothing else. Quoted strings and identifiers are skipped (a doubled quote
	 * inside them included); a {@code --} comment is harmless, since a line break follows the
	 * condition.
	 * @return what is wrong, or {@code null}
	 */
	static @Nullable String enclosureProblem(String condition) {
		int depth = 0;
		char quote = 0;
		for (int i = 0; i < condition.length(); i++) {
			char c = condition.charAt(i);
			if (quote != 0) {
				if (c == quote) {
					quote = 0;
				}
				continue;
			}
			if (c == '\'' || c == '"') {
				quote = c;
			}
			else if (c == '-' && condition.startsWith("--", i)) {
				int end = condition.indexOf('\n', i);
				if (end < 0) {
					break;
				}
				i = end;
			}
			else if (c == '/' && condition.startsWith("/*", i)) {
				return "it opens a /* comment";
			}
			else if (c == ';') {
				return "it contains a semicolon";
			}
			else if (c == '(') {
				depth++;
			}
			else if (c == ')' && --depth < 0) {
				return "it closes a bracket it did not open";
			}
		}
		if (quote != 0) {
			return "a quote is not closed";
		}
		return (depth != 0) ? "a bracket is not closed" : null;
	}

	private static void checkUpdateFilter(TriggerDefinition definition, String key, boolean set,
			List<TriggerViolation> violations) {
		if (!set) {
			return;
		}
		if (definition.level() != TriggerLevel.ROW || definition.timing() == TriggerTiming.INSTEAD_OF) {
			violations.add(new TriggerViolation(key, null,
					key + " compares the old and new row in the trigger's WHEN clause, which only after and before "
							+ "row-level triggers have",
					(name) -> "Remove " + key + ", or use a row-level after or before trigger."));
		}
		else if (!definition.events().equals(List.of(PigeonAction.UPDATE))) {
			violations.add(new TriggerViolation(key, null,
					key + " compares the old and new row in the trigger's WHEN clause, which PostgreSQL allows "
							+ "only in a trigger on update alone",
					(name) -> "Set '" + name.apply("events") + "' to [update] and configure another trigger on the "
							+ "same channel for the other events; or remove " + key + "."));
		}
	}

	private static void checkColumns(TriggerDefinition definition, String listKey, List<String> columns,
			@Nullable TriggerTarget target, List<TriggerViolation> violations) {
		Set<String> seen = new HashSet<>();
		for (int i = 0; i < columns.size(); i++) {
			String column = columns.get(i);
			SqlIdentifiers.NameProblem nameProblem = SqlIdentifiers.check(column);
			if (nameProblem != null) {
				violations.add(new TriggerViolation(listKey, i, nameProblem.describe("column", column),
						(key) -> nameProblem.fix()));
			}
			else if (!seen.add(column)) {
				violations.add(new TriggerViolation(listKey, i, "column \"" + column + "\" is listed twice",
						(key) -> "Remove the duplicate."));
			}
			else if (target != null && !target.columns().contains(column)) {
				String known = String.join(", ", target.columns());
				violations.add(new TriggerViolation(listKey, i,
						"column \"" + column + "\" does not exist in " + describe(definition, target),
						(key) -> "Correct the name (names are case-sensitive); its columns are " + known + "."));
			}
		}
	}

	/**
	 * A lane key splits durable subscriptions by key: only durable row-level triggers write
	 * one, so on any other trigger it would be silently ignored.
	 */
	private static void checkLaneKey(TriggerDefinition definition, @Nullable TriggerTarget target,
			List<TriggerViolation> violations) {
		List<String> key = definition.options().laneKey();
		if (key.isEmpty()) {
			return;
		}
		if (!definition.durable() || definition.level() != TriggerLevel.ROW) {
			violations.add(violation("key", "is set, but only row-level triggers with delivery 'durable' write a "
					+ "lane key", "Remove 'key', or set 'delivery' to durable and 'level' to row."));
			return;
		}
		checkColumns(definition, "key", key, target, violations);
	}

	private static TriggerViolation violation(String key, String problem, String fix) {
		return new TriggerViolation(key, null, problem, (keyName) -> fix);
	}

	private static boolean isView(@Nullable TriggerTarget target) {
		return target != null && target.kind() == TriggerTarget.Kind.VIEW;
	}

	private static String describe(TriggerDefinition definition, TriggerTarget target) {
		return target.kind() + " \"" + definition.schema() + "\".\"" + definition.table() + "\"";
	}

	private static String name(Enum<?> value) {
		return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
