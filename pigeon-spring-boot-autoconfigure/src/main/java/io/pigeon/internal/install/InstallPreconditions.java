package io.pigeon.internal.install;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import io.pigeon.internal.install.InstallHistory.Entry;
import io.pigeon.internal.install.InstallPlan.LeftOver;
import io.pigeon.internal.install.InstallPlan.PlannedTrigger;
import io.pigeon.internal.install.PostgresCatalog.Relation;
import io.pigeon.internal.install.TriggerConfiguration.Trigger;
import io.pigeon.internal.sql.TriggerDefinition;

/**
 * Finds what would stop a plan half-way, before any DDL: objects of Pigeon's names that Pigeon
 * did not create, and privileges the installing user lacks.
 */
final class InstallPreconditions {

	private final InstallSettings settings;

	private final InstallHistory history;

	InstallPreconditions(InstallSettings settings, InstallHistory history) {
		this.settings = settings;
		this.history = history;
	}

	/**
	 * Check a plan against the catalog.
	 * @param connection the connection that will apply the plan
	 * @param plan the plan
	 * @return every problem found, empty if the plan can be applied
	 * @throws SQLException on a database error
	 */
	List<InstallProblem> check(Connection connection, InstallPlan plan) throws SQLException {
		PostgresCatalog catalog = new PostgresCatalog(connection);
		List<InstallProblem> problems = new ArrayList<>();
		for (PlannedTrigger planned : plan.installs()) {
			Trigger trigger = planned.trigger();
			if (planned.drift() == TriggerDrift.FOREIGN_TRIGGER) {
				problems.add(new InstallProblem(trigger.defaultName() ? trigger.path() : trigger.path("name"),
						trigger.describe() + " already exists and was not created by Pigeon (its history table "
								+ this.history.table() + " has no record of it); Pigeon never touches it",
						"Give Pigeon's trigger another name, or drop the existing trigger yourself."));
			}
			if (planned.drift() == TriggerDrift.OTHER_OWNER && planned.entry() != null) {
				problems.add(new InstallProblem(trigger.defaultName() ? trigger.path() : trigger.path("name"),
						trigger.describe() + " is configured by owner '" + this.history.owner().name()
								+ "' and was installed by owner '" + planned.entry().owner()
								+ "'; an owner never changes another owner's triggers",
						"Give one of the triggers another name, or remove it from one owner's configuration (an"
								+ " owner is '" + this.settings.name(InstallSetting.OWNER)
								+ "', by default spring.application.name)."));
			}
			checkEventTriggers(catalog, planned, problems);
			checkFunctionOwnership(catalog, plan.recorded(), trigger, problems);
			checkPrivileges(catalog, trigger, problems);
		}
		for (LeftOver leftOver : plan.leftOvers()) {
			checkRemovalPrivileges(catalog, leftOver, problems);
		}
		if ((plan.support().needsInstall() || plan.durableLog().needsInstall())
				&& !catalog.hasSchemaPrivilege(plan.schema(), "CREATE")) {
			String schema = this.settings.name(InstallSetting.SCHEMA);
			problems.add(new InstallProblem(schema,
					"user \"" + catalog.currentUser() + "\" may not create Pigeon's own objects in schema \""
							+ plan.schema() + "\"",
					"GRANT CREATE ON SCHEMA to it, or set '" + schema + "' to a schema where it may."));
		}
		return problems;
	}

	/**
	 * The further PostgreSQL triggers of a set-based durable trigger ({@code <name>_update},
	 * ...) must not take the place of a trigger Pigeon did not create: a trigger of such a
	 * name is Pigeon's only if it calls the function of Pigeon's installed trigger.
	 */
	private void checkEventTriggers(PostgresCatalog catalog, PlannedTrigger planned, List<InstallProblem> problems)
			throws SQLException {
		Trigger trigger = planned.trigger();
		TriggerDefinition definition = trigger.definition();
		List<String> names = planned.script().triggerNames();
		for (String name : names.subList(1, names.size())) {
			PostgresCatalog.LiveTrigger existing = catalog.trigger(definition.schema(), definition.table(), name);
			Entry entry = planned.entry();
			boolean pigeons = existing != null && entry != null && existing.functionSchema().equals(entry.schema())
					&& existing.functionName().equals(entry.function());
			if (existing != null && !pigeons) {
				problems.add(new InstallProblem(trigger.defaultName() ? trigger.path() : trigger.path("name"),
						"trigger \"" + name + "\" on \"" + definition.schema() + "\".\"" + definition.table()
								+ "\" already exists and was not created by Pigeon; Pigeon needs its name for the "
								+ "durable " + trigger.describe() + ", which is one PostgreSQL trigger per event",
						"Give Pigeon's trigger another name, or drop the existing trigger yourself."));
			}
		}
	}

	private void checkFunctionOwnership(PostgresCatalog catalog, InstallHistory.State state, Trigger trigger,
			List<InstallProblem> problems) throws SQLException {
		TriggerDefinition definition = trigger.definition();
		if (catalog.function(definition.schema(), definition.function()) == null) {
			return;
		}
		InstallHistory.Entry user = state.functionOwner(definition.schema(), definition.function());
		String owner = this.history.owner().name();
		if (user != null && !user.owner().equals(owner) && !user.key().equals(InstallHistory.Key.of(definition))) {
			problems.add(new InstallProblem(trigger.defaultFunction() ? trigger.path() : trigger.path("function"),
					"function \"" + definition.schema() + "\".\"" + definition.function()
							+ "\"() is configured by owner '" + owner + "' and is called by " + user.describe() + " of owner '" + user.owner()
							+ "'; an owner never changes another owner's functions",
					"Give Pigeon's function another name with '" + trigger.path("function") + "'."));
		}
		if (user == null) {
			problems.add(new InstallProblem(trigger.defaultFunction() ? trigger.path() : trigger.path("function"),
					"function \"" + definition.schema() + "\".\"" + definition.function()
							+ "\"() already exists and was not created by Pigeon; Pigeon never replaces it",
					"Give Pigeon's function another name with '" + trigger.path("function")
							+ "', or drop the existing function yourself."));
		}
	}

	private void checkPrivileges(PostgresCatalog catalog, Trigger trigger, List<InstallProblem> problems)
			throws SQLException {
		TriggerDefinition definition = trigger.definition();
		Relation relation = catalog.relation(definition.schema(), definition.table());
		String user = catalog.currentUser();
		String username = this.settings.name(InstallSetting.USERNAME);
		if (relation != null && !relation.triggerPrivilege()) {
			problems.add(new InstallProblem(trigger.path(),
					"user \"" + user + "\" may not create triggers on " + relation.describe() + " (TRIGGER privilege)",
					"GRANT TRIGGER ON the table to it, or set " + username + " to a user who may."));
		}
		if (!catalog.hasSchemaPrivilege(definition.schema(), "CREATE")) {
			problems.add(new InstallProblem(trigger.path(),
					"user \"" + user + "\" may not create functions in schema \"" + definition.schema() + "\"",
					"GRANT CREATE ON SCHEMA to it, or set " + username + " to a user who may."));
		}
	}

	private void checkRemovalPrivileges(PostgresCatalog catalog, LeftOver leftOver, List<InstallProblem> problems)
			throws SQLException {
		Entry entry = leftOver.entry();
		Relation relation = catalog.relation(entry.schema(), entry.table());
		if (relation != null && !relation.owned() && leftOver.drift() == TriggerDrift.LEFT_OVER) {
			problems.add(new InstallProblem(null,
					"user \"" + catalog.currentUser() + "\" may not remove " + entry.describe()
							+ ", which is no longer configured (only the table's owner may)",
					"Set " + this.settings.name(InstallSetting.USERNAME)
							+ " to a user owning the table, or drop the trigger yourself."));
		}
	}

}
