package io.pigeon;

/**
 * When a trigger fires relative to the change.
 *
 * @since 0.1.0
 */
public enum TriggerTiming {

	/**
	 * {@code BEFORE}: reports an attempted change; the write itself is never altered.
	 */
	BEFORE,

	/**
	 * {@code AFTER}: reports only what was written.
	 */
	AFTER,

	/**
	 * {@code INSTEAD OF}: on views only, at row level; the write becomes an event.
	 */
	INSTEAD_OF

}
