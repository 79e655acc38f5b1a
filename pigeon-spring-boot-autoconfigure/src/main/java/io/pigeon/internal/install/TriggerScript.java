package io.pigeon.internal.install;

import java.util.List;

/**
 * The statements that install one trigger and record it in the history, named by what each
 * does. The installer picks the ones that fit what the catalog holds; the exported script is
 * the one for an empty database.
 *
 * @param createFunction {@code CREATE FUNCTION}, failing if the function exists
 * @param createOrReplaceFunction {@code CREATE OR REPLACE FUNCTION}
 * @param createTrigger {@code CREATE TRIGGER}, failing if the trigger exists
 * @param createOrReplaceTrigger {@code CREATE OR REPLACE TRIGGER}
 * @param recordInstall the history's record of the installed trigger, with its checksum
 * @param checksum the checksum of the trigger's definition ({@link ScriptChecksum})
 * @param triggerNames the PostgreSQL triggers the statements create, the trigger's own name
 * first (a set-based durable trigger has one per event)
 */
record TriggerScript(String createFunction, String createOrReplaceFunction, String createTrigger,
		String createOrReplaceTrigger, String recordInstall, String checksum, List<String> triggerNames) {

	TriggerScript {
		triggerNames = List.copyOf(triggerNames);
	}

	/**
	 * Return the statements installing the trigger where neither it nor its function exists.
	 * @return the statements, in the order to run them
	 */
	List<String> onEmptyDatabase() {
		return List.of(this.createFunction, this.createTrigger, this.recordInstall);
	}

}
