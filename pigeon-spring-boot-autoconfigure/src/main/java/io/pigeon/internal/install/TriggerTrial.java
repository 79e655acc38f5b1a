package io.pigeon.internal.install;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import io.pigeon.PigeonAction;
import io.pigeon.TriggerDelivery;
import io.pigeon.internal.install.TriggerConfiguration.Trigger;
import io.pigeon.internal.sql.SqlIdentifiers;
import io.pigeon.internal.sql.TriggerDefinition;
import io.pigeon.internal.sql.TriggerOptions;
import io.pigeon.internal.sql.TriggerSqlGenerator;
import io.pigeon.internal.sql.TriggerTarget;
import org.jspecify.annotations.Nullable;

/**
 * Lets PostgreSQL check the parts of a trigger no rule can judge, above all the raw SQL of a
 * {@code condition}: the trigger and its function are created under trial names in a
 * transaction that is always rolled back, so the catalog is left as it was, and what
 * PostgreSQL refuses is reported at the key it comes from. The generated change filters are
 * tried first without the condition, so that a failure is blamed on {@code changed-only} or
 * {@code ignore-columns} (a whole-row comparison in a BEFORE trigger on a table with generated
 * columns, say) only when the condition is not the cause. The trial holds the table's
 * {@code SHARE ROW EXCLUSIVE} lock, as installing does, only for the two statements.
 * <p>
 * A durable trigger is tried in its row-level form, whose {@code WHEN} clause PostgreSQL
 * compiles against the table (a set-based function's body is compiled only when it first
 * runs, in a writer's statement); a {@link TriggerSqlGenerator#setBased set-based} one's filter
 * is then also planned as its function will run it, over rows named {@code new} and
 * {@code old} and with the function's {@code search_path}
 * ({@link TriggerSqlGenerator#filterChecks}), so a condition that names a function outside
 * {@code pg_catalog} unqualified is refused here rather than failing writes.
 */
final class TriggerTrial {

	private static final String TRIAL_NAME = "pigeon_trial";

	private final Connection connection;

	private final TriggerSqlGenerator generator;

	private final Function<Trigger, TriggerTarget.@Nullable Kind> kinds;

	TriggerTrial(Connection connection, TriggerSqlGenerator generator,
			Function<Trigger, TriggerTarget.@Nullable Kind> kinds) {
		this.connection = connection;
		this.generator = generator;
		this.kinds = kinds;
	}

	/**
	 * Try each trigger, adding a problem for each one PostgreSQL refuses.
	 * @param triggers the triggers to try, already valid by every other check
	 * @param problems where problems are added
	 * @throws SQLException if the connection fails
	 */
	void check(List<Trigger> triggers, List<InstallProblem> problems) throws SQLException {
		for (Trigger trigger : triggers) {
			TriggerDefinition definition = trigger.definition();
			TriggerTarget.@Nullable Kind kind = this.kinds.apply(trigger);
			TriggerOptions options = definition.options();
			if (options.changedOnly() || !options.ignoreColumns().isEmpty()) {
				String failure = attempt(definition.withOptions(options.withoutCondition()), kind);
				if (failure != null) {
					String key = options.changedOnly() ? "changed-only" : "ignore-columns";
					problems.add(new InstallProblem(trigger.path(key),
							"PostgreSQL refuses the comparison of the old and new row on " + describe(definition) + ": "
									+ failure,
							"Remove " + key + ", or use an after trigger (a before trigger cannot read the new row's "
									+ "generated columns)."));
					continue;
				}
			}
			if (options.condition() != null) {
				String failure = attempt(definition, kind);
				if (failure != null) {
					problems.add(conditionProblem(trigger, failure));
				}
			}
		}
	}

	private static InstallProblem conditionProblem(Trigger trigger, String failure) {
		TriggerDefinition definition = trigger.definition();
		String path = trigger.path("condition");
		String lower = failure.toLowerCase(Locale.ROOT);
		if (lower.contains("cannot reference old values")) {
			return new InstallProblem(path,
					"the condition reads OLD, and an insert has no old row (" + failure + ")",
					"Write the condition over NEW only, or remove insert from '" + trigger.path("events")
							+ "' and configure another trigger for inserts.");
		}
		if (lower.contains("cannot reference new values")) {
			return new InstallProblem(path,
					"the condition reads NEW, and a delete has no new row (" + failure + ")",
					"Write the condition over OLD only, or remove delete from '" + trigger.path("events")
							+ "' and configure another trigger for deletes.");
		}
		String events = String.join(", ", definition.events().stream().map(PigeonAction::name).toList())
			.toLowerCase(Locale.ROOT);
		return new InstallProblem(path, "the condition does not compile on " + describe(definition) + ": " + failure,
				"Correct the expression: it is PostgreSQL's WHEN clause, a boolean expression without subqueries "
						+ "over OLD and NEW (for " + events + ") and the columns of the table.");
	}

	/**
	 * Create the trigger and its function under trial names and roll back.
	 * @return PostgreSQL's message if it refused them, otherwise {@code null}
	 */
	private @Nullable String attempt(TriggerDefinition definition, TriggerTarget.@Nullable Kind kind)
			throws SQLException {
		TriggerDefinition trial = definition.renamed(TRIAL_NAME, TRIAL_NAME + "_fn");
		TriggerDefinition rowForm = trial.durable() ? new TriggerDefinition(trial.schema(), trial.table(), trial.name(),
				trial.function(), trial.channel(), trial.columns(), trial.includeOld(), trial.level(), trial.events(),
				trial.updateOf(), trial.timing(), TriggerDelivery.NOTIFY, trial.options()) : trial;
		boolean autoCommit = this.connection.getAutoCommit();
		this.connection.setAutoCommit(false);
		try (Statement statement = this.connection.createStatement()) {
			statement.execute("SET LOCAL lock_timeout = '10s'");
			try {
				// replacing is harmless: everything is rolled back
				statement.execute(this.generator.createOrReplaceFunction(rowForm));
				statement.execute(this.generator.createOrReplaceTrigger(rowForm));
				if (TriggerSqlGenerator.setBased(trial, kind)) {
					for (String check : this.generator.filterChecks(trial)) {
						statement.execute(check);
					}
				}
				return null;
			}
			catch (SQLException ex) {
				if (ex.getSQLState() != null && ex.getSQLState().startsWith("08")) {
					throw ex;
				}
				return firstLine(ex.getMessage());
			}
		}
		finally {
			this.connection.rollback();
			this.connection.setAutoCommit(autoCommit);
		}
	}

	private static String describe(TriggerDefinition definition) {
		return SqlIdentifiers.quote(definition.schema()) + "." + SqlIdentifiers.quote(definition.table());
	}

	private static String firstLine(@Nullable String message) {
		if (message == null) {
			return "no message";
		}
		String first = message.lines().findFirst().orElse(message);
		return first.startsWith("ERROR: ") ? first.substring("ERROR: ".length()) : first;
	}

}
