package io.pigeon;

/**
 * The kind of change a notification reports, as spelled in the payload's {@code action} key.
 *
 * @since 0.1.0
 */
public enum PigeonAction {

	/**
	 * A row was inserted.
	 */
	INSERT,

	/**
	 * A row was updated.
	 */
	UPDATE,

	/**
	 * A row was deleted.
	 */
	DELETE,

	/**
	 * The table was truncated (statement level only).
	 */
	TRUNCATE

}
