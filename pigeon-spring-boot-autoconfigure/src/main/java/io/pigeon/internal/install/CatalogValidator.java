package io.pigeon.internal.install;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.pigeon.internal.install.PostgresCatalog.Relation;
import io.pigeon.internal.install.PostgresCatalog.RelationKind;
import io.pigeon.internal.install.TriggerConfiguration.Schema;
import io.pigeon.internal.install.TriggerConfiguration.Table;
import io.pigeon.internal.install.TriggerConfiguration.Trigger;
import io.pigeon.internal.sql.TriggerDefinition;
import io.pigeon.PigeonAction;
import io.pigeon.TriggerLevel;
import io.pigeon.internal.sql.TriggerSqlGenerator;
import io.pigeon.TriggerTiming;
import org.jspecify.annotations.Nullable;

/**
 * Checks the whole configuration against the database's catalog before anything is installed:
 * schemas, tables and views, columns, the trigger rules PostgreSQL enforces, duplicate names and
 * PostgreSQL's 63-byte limit on names. It only reads, and reports every problem it finds, each
 * with the property path it comes from.
 *
 * @since 0.1.0
 */
public final class CatalogValidator {

	/**
	 * PostgreSQL's limit on identifiers (NAMEDATALEN - 1), in bytes. Longer names are silently
	 * truncated by PostgreSQL, so they are refused instead.
	 */
	static final int MAX_NAME_BYTES = 63;

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
		for (Schema schema : this.configuration.schemas()) {
			boolean schemaExists = validateSchema(catalog, schema, problems);
			for (Table table : schema.tables()) {
				Relation relation = validateTable(catalog, schema, schemaExists, table, problems);
				for (Trigger trigger : table.triggers()) {
					validateTrigger(trigger, table, relation, problems);
					validateUnique(trigger, triggerNames, functionNames, problems);
				}
			}
		}
		return problems;
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
		int before = problems.size();
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
		validateEvents(trigger, relation, problems);
		validateTiming(trigger, relation, problems);
		validatePayload(trigger, problems);
		validateColumns(trigger, "columns", definition.columns(), relation, problems);
		validateColumns(trigger, "update-of", definition.updateOf(), relation, problems);
		if (problems.size() == before) {
			checkGenerator(trigger, problems);
		}
	}

	private void validatePayload(Trigger trigger, List<InstallProblem> problems) {
		TriggerDefinition definition = trigger.definition();
		String levelPath = trigger.path("level");
		if (definition.level() == TriggerLevel.STATEMENT) {
			if (!definition.columns().isEmpty()) {
				problems.add(new InstallProblem(trigger.path("columns"),
						"statement-level payloads carry no row data, so no columns can be chosen",
						"Remove columns, or set '" + levelPath + "' to row."));
			}
			if (definition.includeOld()) {
				problems.add(new InstallProblem(trigger.path("include-old"),
						"statement-level payloads carry no row data, so no old values",
						"Remove include-old, or set '" + levelPath + "' to row."));
			}
		}
		else if (definition.includeOld() && !definition.events().contains(PigeonAction.UPDATE)) {
			problems.add(new InstallProblem(trigger.path("include-old"),
					"include-old sends the old values of an UPDATE, and update is not among the events",
					"Add update to '" + trigger.path("events") + "', or remove include-old."));
		}
	}

	/**
	 * Report anything else the SQL generator refuses at the trigger's path, so that no
	 * configuration can fail later, half-way through an installation.
	 */
	private void checkGenerator(Trigger trigger, List<InstallProblem> problems) {
		TriggerSqlGenerator generator = new TriggerSqlGenerator(trigger.definition().schema());
		try {
			generator.createFunction(trigger.definition());
			generator.createTrigger(trigger.definition());
		}
		catch (IllegalArgumentException ex) {
			problems.add(new InstallProblem(trigger.path(), String.valueOf(ex.getMessage()),
					"Correct the trigger's configuration."));
		}
	}

	private void validateEvents(Trigger trigger, @Nullable Relation relation, List<InstallProblem> problems) {
		TriggerDefinition definition = trigger.definition();
		List<PigeonAction> events = definition.events();
		if (events.isEmpty()) {
			problems.add(new InstallProblem(trigger.path("events"), "no event is configured",
					"List at least one of insert, update, delete and truncate."));
		}
		Set<PigeonAction> seen = new HashSet<>();
		for (int i = 0; i < events.size(); i++) {
			PigeonAction event = events.get(i);
			String path = trigger.path("events", i);
			if (!seen.add(event)) {
				problems.add(new InstallProblem(path, name(event) + " is listed twice", "Remove the duplicate."));
			}
			else if (event == PigeonAction.TRUNCATE && definition.level() == TriggerLevel.ROW) {
				problems.add(new InstallProblem(path, "truncate triggers fire only at statement level",
						"Set '" + trigger.path("level") + "' to statement, or remove truncate."));
			}
			else if (event == PigeonAction.TRUNCATE && relation != null && relation.kind() == RelationKind.VIEW) {
				problems.add(new InstallProblem(path, "views cannot have truncate triggers", "Remove truncate."));
			}
		}
		if (!definition.updateOf().isEmpty() && !events.contains(PigeonAction.UPDATE)) {
			problems.add(new InstallProblem(trigger.path("update-of"), "update-of needs the update event",
					"Add update to '" + trigger.path("events") + "', or remove update-of."));
		}
	}

	private void validateTiming(Trigger trigger, @Nullable Relation relation, List<InstallProblem> problems) {
		TriggerDefinition definition = trigger.definition();
		String timingPath = trigger.path("timing");
		if (definition.timing() == TriggerTiming.INSTEAD_OF) {
			if (definition.level() != TriggerLevel.ROW) {
				problems.add(new InstallProblem(trigger.path("level"), "instead-of triggers fire only at row level",
						"Set '" + trigger.path("level") + "' to row."));
			}
			if (!definition.updateOf().isEmpty()) {
				problems.add(new InstallProblem(trigger.path("update-of"),
						"instead-of triggers cannot be restricted to columns", "Remove update-of."));
			}
			if (relation != null && relation.kind() != RelationKind.VIEW) {
				problems.add(new InstallProblem(timingPath,
						"instead-of triggers are only possible on views, and " + relation.describe() + " is a "
								+ relation.kind(),
						"Set '" + timingPath + "' to after (or before)."));
			}
		}
		else if (relation != null && relation.kind() == RelationKind.VIEW
				&& TriggerSqlGenerator.countsRows(definition)) {
			problems.add(new InstallProblem(timingPath,
					"an after statement-level trigger on one event counts the rows it touched with a transition "
							+ "table, which PostgreSQL refuses on views, and " + relation.describe() + " is a view",
					"Set '" + timingPath + "' to before, or add another event."));
		}
		else if (relation != null && relation.kind() == RelationKind.VIEW && definition.level() == TriggerLevel.ROW) {
			problems.add(new InstallProblem(timingPath,
					name(definition.timing()) + " row-level triggers are not possible on views, and "
							+ relation.describe() + " is a view",
					"Set '" + timingPath + "' to instead-of (the write then becomes an event), or use "
							+ "statement level."));
		}
	}

	private void validateColumns(Trigger trigger, String key, List<String> columns, @Nullable Relation relation,
			List<InstallProblem> problems) {
		Set<String> seen = new HashSet<>();
		for (int i = 0; i < columns.size(); i++) {
			String column = columns.get(i);
			String path = trigger.path(key, i);
			if (!checkName(column, path, "column", problems)) {
				continue;
			}
			if (!seen.add(column)) {
				problems.add(new InstallProblem(path, "column \"" + column + "\" is listed twice",
						"Remove the duplicate."));
			}
			else if (relation != null && !relation.columns().contains(column)) {
				problems.add(new InstallProblem(path,
						"column \"" + column + "\" does not exist in " + relation.describe(),
						"Correct the name (names are case-sensitive); its columns are "
								+ String.join(", ", relation.columns()) + "."));
			}
		}
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
		int bytes = bytes(name);
		if (bytes > MAX_NAME_BYTES) {
			String target = declared ? trigger.path(key)
					: trigger.path() + ".triggers[0]." + key + " (declaring the trigger)";
			problems.add(new InstallProblem(trigger.path(),
					"the default " + kind + " name \"" + name + "\" is " + bytes + " bytes, over PostgreSQL's "
							+ MAX_NAME_BYTES + "-byte limit",
					"Set '" + target + "' to an explicit name of at most " + MAX_NAME_BYTES + " bytes." + note));
			return false;
		}
		return true;
	}

	private static boolean checkName(String name, String path, String kind, List<InstallProblem> problems) {
		return checkName(name, path, kind, "", problems);
	}

	private static boolean checkName(String name, String path, String kind, String note,
			List<InstallProblem> problems) {
		if (name.isEmpty()) {
			problems.add(new InstallProblem(path, "the " + kind + " name is empty", "Set a name."));
			return false;
		}
		if (name.indexOf('\0') >= 0) {
			problems.add(new InstallProblem(path, "the " + kind + " name contains a NUL character",
					"Remove it: PostgreSQL names cannot hold one."));
			return false;
		}
		int bytes = bytes(name);
		if (bytes > MAX_NAME_BYTES) {
			problems.add(new InstallProblem(path,
					"the " + kind + " name \"" + name + "\" is " + bytes + " bytes, over PostgreSQL's "
							+ MAX_NAME_BYTES + "-byte limit",
					"Use a name of at most " + MAX_NAME_BYTES + " bytes (UTF-8)." + note));
			return false;
		}
		return true;
	}

	private static InstallProblem required(String path, String kind) {
		return new InstallProblem(path, "the " + kind + " name is missing", "Set '" + path + "'.");
	}

	private static int bytes(String name) {
		return name.getBytes(StandardCharsets.UTF_8).length;
	}

	private static String name(Enum<?> value) {
		return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
