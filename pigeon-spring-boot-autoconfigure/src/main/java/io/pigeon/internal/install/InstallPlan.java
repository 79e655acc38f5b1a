package io.pigeon.internal.install;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.pigeon.internal.durable.DurableLogSql;
import io.pigeon.internal.install.InstallHistory.Entry;
import io.pigeon.internal.install.PostgresCatalog.LiveTrigger;
import io.pigeon.internal.install.TriggerConfiguration.Trigger;
import org.jspecify.annotations.Nullable;

/**
 * What the database holds compared with the configuration, as {@link InstallPlanner} found it:
 * mode {@code auto} applies it ({@link InstallExecutor}), mode {@code validate} reports its
 * {@link #differences(InstallSettings) differences}.
 *
 * @param support the state of Pigeon's own objects
 * @param schema the schema of Pigeon's own objects
 * @param triggers every active configured trigger, in configuration order
 * @param leftOvers every trigger the history records that is no longer configured or active
 * @param recorded what the history records as installed
 * @param durableLog the state of Pigeon's change log, needed once a durable trigger is active
 */
record InstallPlan(SupportDrift support, String schema, List<PlannedTrigger> triggers, List<LeftOver> leftOvers,
		InstallHistory.State recorded, SupportDrift durableLog) {

	/**
	 * Return the configured triggers to install or replace.
	 * @return the triggers whose drift is not {@link TriggerDrift#UP_TO_DATE}
	 */
	List<PlannedTrigger> installs() {
		return this.triggers.stream().filter((trigger) -> trigger.drift() != TriggerDrift.UP_TO_DATE).toList();
	}

	/**
	 * Return how many configured triggers are installed as configured.
	 * @return the number of triggers
	 */
	int unchanged() {
		return this.triggers.size() - installs().size();
	}

	/**
	 * Return whether a configured trigger uses a function.
	 * @param schema the function's schema
	 * @param function the function's name
	 * @return whether the function is configured
	 */
	boolean configuresFunction(String schema, String function) {
		return this.triggers.stream()
			.map((trigger) -> trigger.trigger().definition())
			.anyMatch((definition) -> definition.schema().equals(schema) && definition.function().equals(function));
	}

	/**
	 * Return every way the database differs from the configuration, as mode
	 * {@code validate} reports it.
	 * @param settings how to name the settings that fix a difference
	 * @return the differences, empty if the database matches
	 */
	List<InstallProblem> differences(InstallSettings settings) {
		String fix = "Run the application once with " + settings.name(InstallSetting.MODE) + "="
				+ InstallMode.AUTO.name().toLowerCase(Locale.ROOT) + ", or have the scripts exported to "
				+ settings.name(InstallSetting.EXPORT_LOCATION) + " applied.";
		List<InstallProblem> problems = new ArrayList<>();
		String objects = "Pigeon's own objects in schema \"" + this.schema + "\"";
		switch (this.support) {
			case MISSING -> problems.add(new InstallProblem(settings.name(InstallSetting.SCHEMA),
					objects + " are missing", fix));
			case OUTDATED -> problems.add(new InstallProblem(settings.name(InstallSetting.SCHEMA),
					objects + " are outdated", fix));
			case NOT_NEEDED, UP_TO_DATE -> {
			}
		}
		String log = "Pigeon's change log (" + this.schema + "." + DurableLogSql.LOG
				+ " and its tables), which durable triggers write to,";
		switch (this.durableLog) {
			case MISSING -> problems.add(new InstallProblem(settings.name(InstallSetting.SCHEMA),
					log + " is missing or incomplete", fix));
			case OUTDATED -> problems.add(new InstallProblem(settings.name(InstallSetting.SCHEMA),
					log + " is outdated", fix));
			case NOT_NEEDED, UP_TO_DATE -> {
			}
		}
		for (PlannedTrigger trigger : this.triggers) {
			String difference = trigger.difference();
			if (difference != null) {
				problems.add(new InstallProblem(trigger.trigger().path(), difference, fix));
			}
		}
		for (LeftOver leftOver : this.leftOvers) {
			if (leftOver.drift() == TriggerDrift.LEFT_OVER) {
				problems.add(new InstallProblem(null,
						leftOver.entry().describe() + " is installed but no longer configured or active", fix));
			}
		}
		return problems;
	}

	/**
	 * The state of Pigeon's own objects, which only trigger functions use: an application that
	 * only listens or sends needs none, and its user may have no right to create them.
	 */
	enum SupportDrift {

		/**
		 * No trigger is active, so the objects are neither needed nor created.
		 */
		NOT_NEEDED,

		/**
		 * The objects exist as Pigeon would create them.
		 */
		UP_TO_DATE,

		/**
		 * The objects do not exist.
		 */
		MISSING,

		/**
		 * The objects exist, created by another version of Pigeon.
		 */
		OUTDATED;

		static SupportDrift of(boolean needed, boolean exist, boolean checksumMatches) {
			if (!needed) {
				return NOT_NEEDED;
			}
			if (!exist) {
				return MISSING;
			}
			return checksumMatches ? UP_TO_DATE : OUTDATED;
		}

		boolean needsInstall() {
			return this == MISSING || this == OUTDATED;
		}

	}

	/**
	 * An active configured trigger with its drift.
	 *
	 * @param trigger the configured trigger
	 * @param script the statements installing it
	 * @param drift how the database differs from it
	 * @param entry the history's record of it, or {@code null}
	 * @param live the catalog's trigger of its name, or {@code null}
	 */
	record PlannedTrigger(Trigger trigger, TriggerScript script, TriggerDrift drift, @Nullable Entry entry,
			@Nullable LiveTrigger live) {

		/**
		 * Return how the database differs from the trigger, as mode {@code validate} says it.
		 * @return the difference, or {@code null} if the trigger is up to date
		 */
		@Nullable String difference() {
			String name = this.trigger.describe();
			LiveTrigger live = this.live;
			String function = (live != null)
					? "function \"" + live.functionSchema() + "\".\"" + live.functionName() + "\"() of " + name : name;
			return switch (this.drift) {
				case UP_TO_DATE -> null;
				case NOT_INSTALLED -> name + " is not installed";
				case FOREIGN_TRIGGER -> name + " exists but was not installed by Pigeon";
				case OTHER_OWNER -> name + " was installed by owner '"
						+ ((this.entry != null) ? this.entry.owner() : "?") + "', which manages it";
				case DROPPED -> name + " was dropped outside Pigeon";
				case DISABLED ->
					name + " is disabled (pg_trigger.tgenabled = '" + ((live != null) ? live.enabled() : '?') + "')";
				case DISABLED_ON_PARTITION -> name + " is disabled on partition"
						+ ((live != null && live.disabledClones().size() > 1) ? "s " : " ")
						+ ((live != null) ? String.join(", ", live.disabledClones()) : "?");
				case RECREATED -> name + " was re-created outside Pigeon";
				case ALTERED -> name + " was altered outside Pigeon";
				case FUNCTION_RECREATED -> function + " was re-created outside Pigeon";
				case FUNCTION_EDITED -> function + " was edited outside Pigeon";
				case DEFINITION_CHANGED ->
					name + " is installed with an earlier definition; its configuration has changed since";
				case LEFT_OVER, LEFT_OVER_DROPPED -> throw new IllegalStateException(
						"A configured trigger is never left over: " + name);
			};
		}

		/**
		 * Return why an installed trigger is replaced, as the log says it.
		 * @return the reason, in brackets
		 */
		String replacementReason() {
			return (this.drift == TriggerDrift.DEFINITION_CHANGED) ? "(its configuration changed)"
					: "(it was changed outside Pigeon)";
		}

	}

	/**
	 * A trigger the history records that is no longer configured or active.
	 *
	 * @param entry the history's record of it
	 * @param drift {@link TriggerDrift#LEFT_OVER} or {@link TriggerDrift#LEFT_OVER_DROPPED}
	 */
	record LeftOver(Entry entry, TriggerDrift drift) {

	}

}
