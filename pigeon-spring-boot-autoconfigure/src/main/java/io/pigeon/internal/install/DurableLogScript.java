package io.pigeon.internal.install;

import java.util.List;

/**
 * The statements that create Pigeon's change log and record it in the history, all
 * idempotent; installed once a durable trigger is configured, and never removed by the
 * installer (the log holds events that subscriptions have not processed yet).
 *
 * @param createObjects the log's DDL ({@link io.pigeon.internal.durable.DurableLogSql#createObjects()})
 * @param recordDurableLog the history's record of the log, with its checksum
 * @param checksum the checksum of the log's DDL ({@link ScriptChecksum})
 */
record DurableLogScript(String createObjects, String recordDurableLog, String checksum) {

	/**
	 * Return every statement, in the order to run them.
	 * @return the statements
	 */
	List<String> statements() {
		return List.of(this.createObjects, this.recordDurableLog);
	}

}
