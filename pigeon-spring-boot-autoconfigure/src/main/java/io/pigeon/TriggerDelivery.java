package io.pigeon;

/**
 * How a trigger's changes reach the listeners of its channel.
 *
 * @since 0.2.0
 */
public enum TriggerDelivery {

	/**
	 * {@code NOTIFY}: delivered at most once to the instances listening at commit; nothing is
	 * kept.
	 */
	NOTIFY,

	/**
	 * Pigeon's change log: kept in PostgreSQL until every subscription of the channel has
	 * processed it, delivered at least once.
	 */
	DURABLE

}
