package io.pigeon.internal.install;

import io.pigeon.internal.durable.DurableLogSql;
import io.pigeon.internal.install.InstallHistory.Entry;
import io.pigeon.internal.sql.SqlIdentifiers;
import io.pigeon.internal.sql.TriggerDefinition;
import io.pigeon.internal.sql.TriggerSqlGenerator;
import io.pigeon.internal.sql.TriggerTarget;
import org.jspecify.annotations.Nullable;

/**
 * The statements that install, replace and remove Pigeon's objects and record them in the
 * history, shared by the installer and the exported scripts so both produce the same objects
 * and the same history.
 */
final class InstallScripts {

	private final TriggerSqlGenerator generator;

	private final InstallHistory history;

	private final DurableLogSql durableLog;

	InstallScripts(TriggerSqlGenerator generator, InstallHistory history) {
		this.generator = generator;
		this.history = history;
		this.durableLog = new DurableLogSql(history.schema());
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
	 * Return the script of Pigeon's change log ({@link DurableLogSql#createObjects()}), needed
	 * once a durable trigger is configured.
	 * @return the script
	 */
	DurableLogScript durableLog() {
		String objects = this.durableLog.createObjects();
		String checksum = ScriptChecksum.of(objects);
		return new DurableLogScript(objects, this.history.recordDurableLog(checksum), checksum);
	}

	/**
	 * Return the script of a trigger on an ordinary table.
	 * @param definition the trigger
	 * @return the script
	 */
	TriggerScript trigger(TriggerDefinition definition) {
		return trigger(definition, null);
	}

	/**
	 * Return the script of a trigger. Its checksum covers the function and the trigger: when
	 * it changes, the trigger is replaced.
	 * @param definition the trigger
	 * @param kind the kind of its relation, which decides the form of a durable trigger;
	 * {@code null} for an ordinary table
	 * @return the script
	 */
	TriggerScript trigger(TriggerDefinition definition, TriggerTarget.@Nullable Kind kind) {
		String createFunction = this.generator.createFunction(definition, kind);
		String createTrigger = this.generator.createTrigger(definition, kind);
		String checksum = ScriptChecksum.of(createFunction + "\n" + createTrigger);
		return new TriggerScript(createFunction, this.generator.createOrReplaceFunction(definition, kind),
				createTrigger, this.generator.createOrReplaceTrigger(definition, kind),
				this.history.recordInstall(definition, checksum), checksum,
				TriggerSqlGenerator.triggerNames(definition, kind));
	}

	/**
	 * Return {@code DROP TRIGGER IF EXISTS} of one PostgreSQL trigger.
	 * @param schema the table's schema
	 * @param table the table
	 * @param name the trigger's name
	 * @return the statement
	 */
	String dropTrigger(String schema, String table, String name) {
		return this.generator.dropTrigger(schema, table, name);
	}

	/**
	 * Return {@code ALTER TABLE ... ENABLE ALWAYS | REPLICA TRIGGER}, setting a trigger's
	 * firing mode back after {@code CREATE OR REPLACE TRIGGER} reset it.
	 * @param definition the trigger
	 * @param keyword {@code ALWAYS} or {@code REPLICA}
	 * @return the statement
	 */
	String restoreFiringMode(TriggerDefinition definition, String keyword) {
		return restoreFiringMode(definition, definition.name(), keyword);
	}

	/**
	 * Return {@code ALTER TABLE ... ENABLE ALWAYS | REPLICA TRIGGER} of one of a trigger's
	 * PostgreSQL triggers.
	 * @param definition the trigger
	 * @param name the PostgreSQL trigger's name
	 * @param keyword {@code ALWAYS} or {@code REPLICA}
	 * @return the statement
	 */
	String restoreFiringMode(TriggerDefinition definition, String name, String keyword) {
		return "ALTER TABLE " + SqlIdentifiers.quote(definition.schema()) + "."
				+ SqlIdentifiers.quote(definition.table()) + " ENABLE " + keyword + " TRIGGER "
				+ SqlIdentifiers.quote(name);
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
