package io.pigeon.internal.sql;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

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
		return violations;
	}

	/**
	 * Durable triggers are AFTER triggers: a BEFORE trigger logs an attempted change that a
	 * later trigger may still alter or cancel, and the log's promise that two changes of a row
	 * are read in commit order rests on the row lock the write holds when an AFTER trigger
	 * runs (a BEFORE INSERT or an INSTEAD OF trigger runs before or without one). The further
	 * PostgreSQL triggers of a set-based one ({@code <name>_update}, ...) must fit
	 * PostgreSQL's name limit too.
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
			if (!definition.columns().isEmpty()) {
				violations.add(new TriggerViolation("columns", null,
						"statement-level payloads carry no row data, so no columns can be chosen",
						(key) -> "Remove columns, or set '" + key.apply("level") + "' to row."));
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
