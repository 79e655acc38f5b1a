package io.pigeon.internal.install;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.pigeon.internal.install.PostgresCatalog.Relation;
import io.pigeon.internal.install.PostgresCatalog.RelationKind;
import io.pigeon.internal.install.TriggerConfiguration.Schema;
import io.pigeon.internal.install.TriggerConfiguration.Table;
import io.pigeon.internal.install.TriggerConfiguration.Trigger;
import io.pigeon.internal.sql.SqlIdentifiers;
import io.pigeon.internal.sql.SqlIdentifiers.NameProblem;
import io.pigeon.internal.sql.TriggerDefinition;
import io.pigeon.internal.sql.TriggerRules;
import io.pigeon.internal.sql.TriggerSqlGenerator;
import io.pigeon.internal.sql.TriggerTarget;
import io.pigeon.internal.sql.TriggerViolation;
import org.jspecify.annotations.Nullable;

/**
 * Checks the whole configuration against the database's catalog before anything is installed:
 * schemas, tables and views, columns, the {@link TriggerRules} (which the SQL generator checks
 * too, so nothing accepted here fails half-way through an installation), duplicate names and
 * PostgreSQL's 63-byte limit on names. Then, when all of that holds, each trigger whose WHEN
 * clause has a {@code condition} or change filters is created under a trial name in a
 * transaction that is rolled back ({@link TriggerTrial}), so that PostgreSQL itself checks the
 * clause against the table. It changes nothing, and reports every problem it finds, each with
 * the property path it comes from.
 *
 * @since 0.1.0
 */
final class CatalogValidator {

	private final TriggerConfiguration configuration;

	private final InstallSettings settings;

	/**
	 * Create a new validator.
	 * @param configuration the triggers to validate
	 * @param settings where Pigeon keeps its own objects
	 */
	public CatalogValidator(TriggerConfiguration configuration, InstallSettings settings) {
		this.configuration = configuration;
		this.settings = settings;
	}

	/**
	 * Validate the configuration against the catalog seen by a connection.
	 * @param connection the connection to read the catalog with; nothing is changed
	 * @return every problem found, in configuration order; empty if the configuration is valid
	 * @throws SQLException if the catalog cannot be read
	 */
	public List<InstallProblem> validate(Connection connection) throws SQLException {
		PostgresCatalog catalog = new PostgresCatalog(connection);
		List<InstallProblem> problems = new ArrayList<>();
		validatePigeonObjects(catalog, problems);
		Map<List<String>, String> triggerNames = new HashMap<>();
		Map<List<String>, String> functionNames = new HashMap<>();
		Map<String, Trigger> channels = new HashMap<>();
		List<Trigger> trials = new ArrayList<>();
		for (Schema schema : this.configuration.schemas()) {
			boolean schemaExists = validateSchema(catalog, schema, problems);
			for (Table table : schema.tables()) {
				Relation relation = validateTable(catalog, schema, schemaExists, table, problems);
				for (Trigger trigger : table.triggers()) {
					int before = problems.size();
					validateTrigger(trigger, table, relation, problems);
					validateUnique(trigger, triggerNames, functionNames, problems);
					validateCompanions(trigger, relation, triggerNames, problems);
					validateDelivery(trigger, channels, problems);
					if (problems.size() == before && relation != null && trigger.active()
							&& trigger.definition().options().filters()) {
						trials.add(trigger);
					}
				}
			}
		}
		String pigeonSchema = (this.settings.schema() != null) ? this.settings.schema() : catalog.currentSchema();
		if (pigeonSchema != null) {
			Map<Trigger, TriggerTarget.@Nullable Kind> kinds = new HashMap<>();
			for (Trigger trial : trials) {
				kinds.put(trial, catalog.kind(trial.definition().schema(), trial.definition().table()));
			}
			new TriggerTrial(connection, new TriggerSqlGenerator(pigeonSchema), kinds::get).check(trials, problems);
		}
		return problems;
	}

	/**
	 * A channel's listeners are either notified or subscribed to the log, so every trigger of
	 * a channel must deliver the same way.
	 */
	private static void validateDelivery(Trigger trigger, Map<String, Trigger> channels,
			List<InstallProblem> problems) {
		TriggerDefinition definition = trigger.definition();
		Trigger first = channels.putIfAbsent(definition.channel(), trigger);
		if (first != null && first.definition().delivery() != definition.delivery()) {
			problems.add(new InstallProblem(trigger.path("delivery"),
					"channel \"" + definition.channel() + "\" is delivered "
							+ delivery(definition) + " here and " + delivery(first.definition()) + " by "
							+ first.path("delivery") + "; all triggers of a channel must share one delivery",
					"Set '" + trigger.path("delivery") + "' and '" + first.path("delivery")
							+ "' to the same value, or give one of the triggers another channel."));
		}
	}

	private static String delivery(TriggerDefinition definition) {
		return definition.delivery().name().toLowerCase(java.util.Locale.ROOT);
	}

	/**
	 * The further PostgreSQL triggers of a set-based durable trigger take names of their own,
	 * which no other configured trigger of the table may have.
	 */
	private static void validateCompanions(Trigger trigger, @Nullable Relation relation,
			Map<List<String>, String> triggerNames, List<InstallProblem> problems) {
		TriggerDefinition definition = trigger.definition();
		TriggerTarget target = target(relation);
		List<String> names = TriggerSqlGenerator.triggerNames(definition, (target != null) ? target.kind() : null);
		for (String name : names.subList(1, names.size())) {
			String previous = triggerNames.putIfAbsent(List.of(definition.schema(), definition.table(), name),
					trigger.path());
			if (previous != null && !previous.equals(trigger.path())) {
				problems.add(new InstallProblem(trigger.defaultName() ? trigger.path() : trigger.path("name"),
						"the durable trigger's PostgreSQL trigger \"" + name + "\" (one per event) has the name of "
								+ previous,
						"Give one of the triggers another name."));
			}
		}
	}

	private void validatePigeonObjects(PostgresCatalog catalog, List<InstallProblem> problems) throws SQLException {
		String schemaPath = this.settings.name(InstallSetting.SCHEMA);
		String schema = this.settings.schema();
		if (schema == null) {
			schema = catalog.currentSchema();
			if (schema == null) {
				problems.add(new InstallProblem(schemaPath,
						"the connection has no current schema (none of the schemas on its search_path exists)",
						"Set '" + schemaPath + "' to the schema where Pigeon should keep its own tables."));
			}
		}
		else if (checkName(schema, schemaPath, "schema", problems)) {
			if (!catalog.schemaExists(schema)) {
				problems.add(new InstallProblem(schemaPath, "schema \"" + schema + "\" does not exist",
						"Create it (CREATE SCHEMA) or set '" + schemaPath + "' to an existing schema."));
			}
		}
		String historyPath = this.settings.name(InstallSetting.HISTORY_TABLE);
		String historyTable = this.settings.historyTable();
		if (checkName(historyTable, historyPath, "history table", problems) && schema != null) {
			Relation relation = catalog.relation(schema, historyTable);
			if (relation != null && (relation.kind() != RelationKind.TABLE
					|| !relation.columns().containsAll(InstallHistory.COLUMNS))) {
				problems.add(new InstallProblem(historyPath,
						relation.describe() + " exists but is not a Pigeon history table",
						"Set '" + historyPath + "' to the name of a table Pigeon may create and own."));
			}
		}
	}

	private boolean validateSchema(PostgresCatalog catalog, Schema schema, List<InstallProblem> problems)
			throws SQLException {
		String path = schema.path() + ".name";
		String name = schema.name();
		if (name == null) {
			problems.add(required(path, "schema"));
			return false;
		}
		if (!checkName(name, path, "schema", problems)) {
			return false;
		}
		if (!catalog.schemaExists(name)) {
			problems.add(new InstallProblem(path, "schema \"" + name + "\" does not exist",
					"Correct the name (names are case-sensitive) or create the schema."));
			return false;
		}
		return true;
	}

	private @Nullable Relation validateTable(PostgresCatalog catalog, Schema schema, boolean schemaExists, Table table,
			List<InstallProblem> problems) throws SQLException {
		String path = table.path() + ".name";
		String name = table.name();
		if (name == null) {
			problems.add(required(path, "table or view"));
			return null;
		}
		if (!checkName(name, path, "table", problems) || !schemaExists || schema.name() == null) {
			return null;
		}
		Relation relation = catalog.relation(schema.name(), name);
		if (relation == null) {
			problems.add(new InstallProblem(path,
					"table or view \"" + schema.name() + "\".\"" + name + "\" does not exist",
					"Correct the name (names are case-sensitive) or create the table."));
			return null;
		}
		if (relation.kind() == RelationKind.OTHER) {
			problems.add(new InstallProblem(path,
					"\"" + schema.name() + "\".\"" + name + "\" is neither a table nor a view",
					"Configure a table, a partitioned table or a view."));
			return null;
		}
		return relation;
	}

	private void validateTrigger(Trigger trigger, Table table, @Nullable Relation relation,
			List<InstallProblem> problems) {
		TriggerDefinition definition = trigger.definition();
		boolean declared = !trigger.path().equals(table.path());
		// The default function name follows the trigger's name, so one problem covers both.
		String functionNote = !trigger.defaultFunction() ? ""
				: " The function's default name, '<trigger name>_fn', must fit too, unless '"
						+ (declared ? trigger.path("function") : "function") + "' is set.";
		boolean nameFits = trigger.defaultName()
				? checkDefaultName(definition.name(), trigger, declared, "name", "trigger", functionNote, problems)
				: checkName(definition.name(), trigger.path("name"), "trigger", functionNote, problems);
		if (!trigger.defaultFunction()) {
			checkName(definition.function(), trigger.path("function"), "function", problems);
		}
		else if (nameFits) {
			checkDefaultName(definition.function(), trigger, declared, "function", "function", "", problems);
		}
		// A defaulted channel is the table's name, whose length is reported at the table.
		if (!definition.channel().equals(definition.table())) {
			checkName(definition.channel(), trigger.path("channel"), "channel", problems);
		}
		for (TriggerViolation violation : TriggerRules.check(definition, target(relation))) {
			Integer index = violation.index();
			String path = (index != null) ? trigger.path(violation.key(), index) : trigger.path(violation.key());
			problems.add(new InstallProblem(path, violation.problem(), violation.fix(trigger::path)));
		}
	}

	/**
	 * What the trigger rules need to know of a relation that holds triggers; {@code null} for
	 * one that cannot, already reported at its table.
	 */
	private static @Nullable TriggerTarget target(@Nullable Relation relation) {
		if (relation == null) {
			return null;
		}
		TriggerTarget.Kind kind = switch (relation.kind()) {
			case TABLE -> TriggerTarget.Kind.TABLE;
			case PARTITIONED_TABLE -> TriggerTarget.Kind.PARTITIONED_TABLE;
			case VIEW -> TriggerTarget.Kind.VIEW;
			case OTHER -> null;
		};
		return (kind != null) ? new TriggerTarget(kind, relation.columns()) : null;
	}

	private void validateUnique(Trigger trigger, Map<List<String>, String> triggerNames,
			Map<List<String>, String> functionNames, List<InstallProblem> problems) {
		TriggerDefinition definition = trigger.definition();
		String previous = triggerNames.putIfAbsent(
				List.of(definition.schema(), definition.table(), definition.name()), trigger.path());
		if (previous != null) {
			String path = trigger.defaultName() ? trigger.path() : trigger.path("name");
			problems.add(new InstallProblem(path,
					"trigger name \"" + definition.name() + "\" is already used on the same table by " + previous,
					"Give one of the triggers another name."));
		}
		previous = functionNames.putIfAbsent(List.of(definition.schema(), definition.function()), trigger.path());
		if (previous != null) {
			String path = trigger.defaultFunction() ? trigger.path() : trigger.path("function");
			problems.add(new InstallProblem(path,
					"function name \"" + definition.function() + "\" is already used in schema \""
							+ definition.schema() + "\" by " + previous,
					"Give one of the triggers another function name."));
		}
	}

	private static boolean checkDefaultName(String name, Trigger trigger, boolean declared, String key, String kind,
			String note, List<InstallProblem> problems) {
		if (SqlIdentifiers.fits(name)) {
			return true;
		}
		String target = declared ? trigger.path(key) : trigger.path() + ".triggers[0]." + key + " (declaring the trigger)";
		problems.add(new InstallProblem(trigger.path(), NameProblem.TOO_LONG.describe("default " + kind, name),
				"Set '" + target + "' to an explicit name of at most " + SqlIdentifiers.MAX_NAME_BYTES + " bytes."
						+ note));
		return false;
	}

	private static boolean checkName(String name, String path, String kind, List<InstallProblem> problems) {
		return checkName(name, path, kind, "", problems);
	}

	private static boolean checkName(String name, String path, String kind, String note,
			List<InstallProblem> problems) {
		NameProblem problem = SqlIdentifiers.check(name);
		if (problem == null) {
			return true;
		}
		String fix = (problem == NameProblem.TOO_LONG) ? problem.fix() + note : problem.fix();
		problems.add(new InstallProblem(path, problem.describe(kind, name), fix));
		return false;
	}

	private static InstallProblem required(String path, String kind) {
		return new InstallProblem(path, "the " + kind + " name is missing", "Set '" + path + "'.");
	}

}
