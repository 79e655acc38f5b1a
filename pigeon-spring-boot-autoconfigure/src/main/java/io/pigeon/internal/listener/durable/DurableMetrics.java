package io.pigeon.internal.listener.durable;

import java.util.function.IntSupplier;

/**
 * Receives the durable container's measurements, tagged by subscription and channel; the
 * Micrometer implementation lives in the auto-configuration, so that this package needs no
 * Micrometer.
 * <p>
 * Internal: not an API.
 */
public interface DurableMetrics {

	/**
	 * Records nothing.
	 */
	DurableMetrics NONE = new DurableMetrics() {
	};

	/**
	 * Called once a listener call (of one event, or of a batch) returned.
	 * @param subscription the subscription's id
	 * @param channel its channel
	 * @param events how many events the call processed
	 */
	default void processed(String subscription, String channel, int events) {
	}

	/**
	 * Called after every call of a listener method, whatever its outcome.
	 * @param subscription the subscription's id
	 * @param channel its channel
	 * @param nanos how long the call took
	 */
	default void processing(String subscription, String channel, long nanos) {
	}

	/**
	 * Called when a failed call is to be retried.
	 * @param subscription the subscription's id
	 * @param channel its channel
	 */
	default void retried(String subscription, String channel) {
	}

	/**
	 * Called for each event that went to the dead letters.
	 * @param subscription the subscription's id
	 * @param channel its channel
	 */
	default void deadLettered(String subscription, String channel) {
	}

	/**
	 * Register the measure of how many lanes of a subscription split into lanes this
	 * instance holds, read when the meter is.
	 * @param subscription the subscription's id
	 * @param channel its channel
	 * @param held the number of lanes this instance holds
	 */
	default void lanes(String subscription, String channel, IntSupplier held) {
	}

}
