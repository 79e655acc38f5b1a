package io.pigeon.internal.install;

import io.pigeon.internal.install.InstallHistory.Entry;
import io.pigeon.internal.sql.SqlIdentifiers;
import io.pigeon.internal.sql.TriggerDefinition;
import io.pigeon.internal.sql.TriggerSqlGenerator;

/**
 * The statements that install, replace and remove Pigeon's objects and record them in the
 * history, shared by the installer and the exported scripts so both produce the same objects
 * and the same history.
 */
final class InstallScripts {

	private final TriggerSqlGenerator generator;

	private final InstallHistory history;

	InstallScripts(TriggerSqlGenerator generator, InstallHistory history) {
		this.generator = generator;
		this.history = history;
	}

	InstallHistory history() {
		return this.history;
	}

	/**
	 * Return the script of the history table and Pigeon's own objects.
	 * @return the script
	 */
	SupportScript support() {
		String supportObjects = this.generator.createSupportObjects();
		String checksum = ScriptChecksum.of(supportObjects);
		return new SupportScript(this.history.createTable(), this.history.migrateTable(), supportObjects,
				this.history.recordSupport(checksum), checksum);
	}

	/**
	 * Return the script of a trigger. Its checksum covers the function and the trigger: when
	 * it changes, the trigger is replaced.
	 * @param definition the trigger
	 * @return the script
	 */
	TriggerScript trigger(TriggerDefinition definition) {
		String createFunction = this.generator.createFunction(definition);
		String createTrigger = this.generator.createTrigger(definition);
		String checksum = ScriptChecksum.of(createFunction + "\n" + createTrigger);
		return new TriggerScript(createFunction, this.generator.createOrReplaceFunction(definition), createTrigger,
				this.generator.createOrReplaceTrigger(definition), this.history.recordInstall(definition, checksum),
				checksum);
	}

	/**
	 * Return {@code ALTER TABLE ... ENABLE ALWAYS | REPLICA TRIGGER}, setting a trigger's
	 * firing mode back after {@code CREATE OR REPLACE TRIGGER} reset it.
	 * @param definition the trigger
	 * @param keyword {@code ALWAYS} or {@code REPLICA}
	 * @return the statement
	 */
	String restoreFiringMode(TriggerDefinition definition, String keyword) {
		return "ALTER TABLE " + SqlIdentifiers.quote(definition.schema()) + "."
				+ SqlIdentifiers.quote(definition.table()) + " ENABLE " + keyword + " TRIGGER "
				+ SqlIdentifiers.quote(definition.name());
	}

	String dropTrigger(Entry entry) {
		return this.generator.dropTrigger(entry.schema(), entry.table(), entry.trigger());
	}

	String dropFunction(Entry entry) {
		return this.generator.dropFunction(entry.schema(), entry.function());
	}

	String recordRemoval(Entry entry) {
		return this.history.recordRemoval(entry);
	}

}
