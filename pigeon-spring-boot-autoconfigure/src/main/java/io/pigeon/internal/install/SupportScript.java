package io.pigeon.internal.install;

import java.util.List;

/**
 * The statements that create the history table and Pigeon's own objects that trigger
 * functions use, and record them, all idempotent.
 *
 * @param createHistoryTable {@code CREATE TABLE IF NOT EXISTS} of the history table
 * @param createSupportObjects the overflow table and the function storing into it
 * @param recordSupport the history's record of the support objects, with their checksum
 * @param checksum the checksum of the support objects ({@link ScriptChecksum})
 */
record SupportScript(String createHistoryTable, String createSupportObjects, String recordSupport,
		String checksum) {

	/**
	 * Return every statement, in the order to run them.
	 * @return the statements
	 */
	List<String> statements() {
		return List.of(this.createHistoryTable, this.createSupportObjects, this.recordSupport);
	}

}
