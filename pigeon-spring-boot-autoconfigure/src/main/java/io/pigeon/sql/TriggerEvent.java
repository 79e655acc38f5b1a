package io.pigeon.sql;

/**
 * A kind of statement a trigger fires on.
 *
 * @since 0.1.0
 */
public enum TriggerEvent {

	/**
	 * {@code INSERT}.
	 */
	INSERT,

	/**
	 * {@code UPDATE}, optionally restricted to some columns.
	 */
	UPDATE,

	/**
	 * {@code DELETE}.
	 */
	DELETE,

	/**
	 * {@code TRUNCATE}, statement level only.
	 */
	TRUNCATE

}
