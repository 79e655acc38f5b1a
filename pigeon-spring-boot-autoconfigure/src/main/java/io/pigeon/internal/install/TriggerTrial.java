package io.pigeon.internal.install;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;

import io.pigeon.PigeonAction;
import io.pigeon.internal.install.TriggerConfiguration.Trigger;
import io.pigeon.internal.sql.SqlIdentifiers;
import io.pigeon.internal.sql.TriggerDefinition;
import io.pigeon.internal.sql.TriggerOptions;
import io.pigeon.internal.sql.TriggerSqlGenerator;
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
 */
final class TriggerTrial {

	private static final String TRIAL_NAME = "pigeon_trial";

	private final Connection connection;

	private final TriggerSqlGenerator generator;

	TriggerTrial(Connection connection, TriggerSqlGenerator generator) {
		this.connection = connection;
		this.generator = generator;
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
			TriggerOptions options = definition.options();
			if (options.changedOnly() || !options.ignoreColumns().isEmpty()) {
				String failure = attempt(definition.withOptions(options.withoutCondition()));
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
				String failure = attempt(definition);
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
	private @Nullable String attempt(TriggerDefinition definition) throws SQLException {
		TriggerDefinition trial = definition.renamed(TRIAL_NAME, TRIAL_NAME + "_fn");
		boolean autoCommit = this.connection.getAutoCommit();
		this.connection.setAutoCommit(false);
		try (Statement statement = this.connection.createStatement()) {
			statement.execute("SET LOCAL lock_timeout = '10s'");
			try {
				// replacing is harmless: everything is rolled back
				statement.execute(this.generator.createOrReplaceFunction(trial));
				statement.execute(this.generator.createOrReplaceTrigger(trial));
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
