package io.pigeon.internal.listener.durable;

import java.time.Duration;

import org.springframework.util.Assert;

/**
 * How the durable container behaves. The values are checked where they are bound, with
 * messages naming their properties; this record only refuses values it cannot work with.
 * <p>
 * Internal: not an API.
 *
 * @param batchSize the largest page read at once, and handed to batch listeners
 * @param pollInterval how often a subscription reads the log without a wake-up, and how often a
 * standby tries to take it
 * @param notifyWakeUp whether workers are woken by {@code NOTIFY pigeon_durable} (otherwise they
 * only poll)
 * @param leaseTimeout how long a lease lasts without renewal
 * @param startFromEarliest whether a new subscription starts at the oldest event in the log
 * @param maxAttempts the largest number of calls for one event, the first included
 * @param initialBackoff the wait before the second call
 * @param multiplier the growth of the wait after each further failure
 * @param maxBackoff the longest wait between two calls
 * @param shutdownTimeout how long a stop lets the current events finish
 * @param reconnectInitialBackoff the first wait before reconnecting after a database failure
 * @param reconnectMaxBackoff the longest wait before reconnecting
 * @param concurrency the number of lanes of a subscription whose listener does not set its
 * own
 */
public record DurableSettings(int batchSize, Duration pollInterval, boolean notifyWakeUp, Duration leaseTimeout,
		boolean startFromEarliest, int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff,
		Duration shutdownTimeout, Duration reconnectInitialBackoff, Duration reconnectMaxBackoff, int concurrency) {

	/** The largest number of lanes of a subscription. */
	public static final int MAX_CONCURRENCY = 1024;

	/**
	 * Create settings with one lane per subscription.
	 */
	public DurableSettings(int batchSize, Duration pollInterval, boolean notifyWakeUp, Duration leaseTimeout,
			boolean startFromEarliest, int maxAttempts, Duration initialBackoff, double multiplier,
			Duration maxBackoff, Duration shutdownTimeout, Duration reconnectInitialBackoff,
			Duration reconnectMaxBackoff) {
		this(batchSize, pollInterval, notifyWakeUp, leaseTimeout, startFromEarliest, maxAttempts, initialBackoff,
				multiplier, maxBackoff, shutdownTimeout, reconnectInitialBackoff, reconnectMaxBackoff, 1);
	}

	/**
	 * Create settings.
	 * @throws IllegalArgumentException for a value the container cannot work with
	 */
	public DurableSettings {
		Assert.isTrue(batchSize > 0, "batchSize must be greater than zero");
		Assert.isTrue(concurrency > 0 && concurrency <= MAX_CONCURRENCY, "concurrency must be between 1 and 1024");
		Assert.isTrue(isPositive(pollInterval), "pollInterval must be greater than zero");
		Assert.isTrue(leaseTimeout.toMillis() >= 3, "leaseTimeout must be at least 3 ms");
		Assert.isTrue(maxAttempts > 0, "maxAttempts must be greater than zero");
		Assert.isTrue(isPositive(initialBackoff), "initialBackoff must be greater than zero");
		Assert.isTrue(multiplier >= 1, "multiplier must be at least 1");
		Assert.isTrue(isPositive(maxBackoff), "maxBackoff must be greater than zero");
		Assert.isTrue(!shutdownTimeout.isNegative(), "shutdownTimeout must not be negative");
		Assert.isTrue(isPositive(reconnectInitialBackoff), "reconnectInitialBackoff must be greater than zero");
		Assert.isTrue(isPositive(reconnectMaxBackoff), "reconnectMaxBackoff must be greater than zero");
	}

	/**
	 * Return how often a held lease is renewed: a third of its time-out, so that two renewals
	 * may fail before it ends.
	 * @return the heartbeat interval
	 */
	public Duration heartbeatInterval() {
		return this.leaseTimeout.dividedBy(3);
	}

	private static boolean isPositive(Duration duration) {
		return !duration.isNegative() && !duration.isZero();
	}

}
