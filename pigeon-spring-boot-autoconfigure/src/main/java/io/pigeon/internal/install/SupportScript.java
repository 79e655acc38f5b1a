package io.pigeon.internal.install;

import java.util.ArrayList;
import java.util.List;

/**
 * The statements that create the history table and Pigeon's own objects that trigger
 * functions use, and record them, all idempotent.
 *
 * @param createHistoryTable {@code CREATE TABLE IF NOT EXISTS} of the history table
 * @param migrateHistoryTable the statements bringing a history table of Pigeon 0.1 up to date
 * @param createSupportObjects the overflow table and the function storing into it
 * @param recordSupport the history's record of the support objects, with their checksum
 * @param checksum the checksum of the support objects ({@link ScriptChecksum})
 */
record SupportScript(String createHistoryTable, List<String> migrateHistoryTable, String createSupportObjects,
		String recordSupport, String checksum) {

	/**
	 * Return every statement, in the order to run them.
	 * @return the statements
	 */
	List<String> statements() {
		List<String> statements = new ArrayList<>();
		statements.add(this.createHistoryTable);
		statements.addAll(this.migrateHistoryTable);
		statements.add(this.createSupportObjects);
		statements.add(this.recordSupport);
		return statements;
	}

}
