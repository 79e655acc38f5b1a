package io.pigeon.internal.install;

import io.pigeon.internal.install.InstallHistory.Entry;
import io.pigeon.internal.install.PostgresCatalog.LiveTrigger;
import org.jspecify.annotations.Nullable;

/**
 * How a trigger in the database differs from what Pigeon would install, the one verdict on
 * which mode {@code auto} acts (installing, replacing, removing or refusing) and which mode
 * {@code validate} reports.
 */
enum TriggerDrift {

	/**
	 * Installed by Pigeon as configured and unchanged since: nothing to do.
	 */
	UP_TO_DATE,

	/**
	 * Neither the history nor the catalog has the trigger: it is created.
	 */
	NOT_INSTALLED,

	/**
	 * The table has a trigger of the configured name that Pigeon did not install: Pigeon
	 * never touches it, so an installation fails.
	 */
	FOREIGN_TRIGGER,

	/**
	 * Another owner's installation created the trigger ({@link InstallOwner}): neither owner
	 * may change what the other installed, so an installation fails naming both.
	 */
	OTHER_OWNER,

	/**
	 * Pigeon installed the trigger and it was dropped since: it is installed again.
	 */
	DROPPED,

	/**
	 * The trigger was disabled ({@code pg_trigger.tgenabled} is {@code D}): it is replaced,
	 * which enables it. {@code ENABLE ALWAYS} ({@code A}) and {@code ENABLE REPLICA}
	 * ({@code R}) are enabled, and kept when the trigger is replaced.
	 */
	DISABLED,

	/**
	 * The trigger's clone on one or more partitions was disabled: it is replaced, which
	 * enables every clone.
	 */
	DISABLED_ON_PARTITION,

	/**
	 * The trigger was dropped and created again, even identically: it is replaced.
	 */
	RECREATED,

	/**
	 * The trigger was replaced by another definition: it is replaced.
	 */
	ALTERED,

	/**
	 * The trigger's function was dropped and created again: it is replaced.
	 */
	FUNCTION_RECREATED,

	/**
	 * The trigger's function body or settings were edited: it is replaced.
	 */
	FUNCTION_EDITED,

	/**
	 * The catalog holds what Pigeon installed, from a configuration that has changed since:
	 * it is replaced.
	 */
	DEFINITION_CHANGED,

	/**
	 * The history records a trigger that is no longer configured or active, and it is still
	 * in the catalog: it is removed.
	 */
	LEFT_OVER,

	/**
	 * The history records a trigger that is no longer configured or active, and it was
	 * dropped outside Pigeon: only its function and the history's record are left to remove.
	 */
	LEFT_OVER_DROPPED;

	/**
	 * Classify a configured trigger. Changes made outside Pigeon are named before a changed
	 * configuration: they are what a reader of the database has to explain.
	 * @param entry the history's record of it, or {@code null}
	 * @param live the catalog's trigger of its name, or {@code null}
	 * @param checksum the checksum of its configured definition
	 * @return the drift
	 */
	static TriggerDrift of(@Nullable Entry entry, @Nullable LiveTrigger live, String checksum) {
		if (entry == null) {
			return (live != null) ? FOREIGN_TRIGGER : NOT_INSTALLED;
		}
		if (live == null) {
			return DROPPED;
		}
		if (FiringMode.of(live.enabled()) == FiringMode.DISABLED) {
			return DISABLED;
		}
		if (!live.disabledClones().isEmpty()) {
			return DISABLED_ON_PARTITION;
		}
		if (live.oid() != entry.triggerOid()) {
			return RECREATED;
		}
		if (!live.fingerprint().equals(entry.triggerFingerprint())) {
			return ALTERED;
		}
		if (live.functionOid() != entry.functionOid()) {
			return FUNCTION_RECREATED;
		}
		if (!live.functionFingerprint().equals(entry.functionFingerprint())) {
			return FUNCTION_EDITED;
		}
		if (!entry.checksum().equals(checksum)) {
			return DEFINITION_CHANGED;
		}
		return UP_TO_DATE;
	}

	/**
	 * Classify a trigger the history records that is no longer configured or active.
	 * @param live whether the catalog still has it
	 * @return the drift
	 */
	static TriggerDrift leftOver(boolean live) {
		return live ? LEFT_OVER : LEFT_OVER_DROPPED;
	}

}
