package io.pigeon.internal.listener.notify;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Exponential back-off with jitter between attempts to re-establish the listener connection:
 * the ceiling starts at the initial back-off and doubles after each failure up to the maximum;
 * each delay is drawn between half the ceiling and the ceiling, so that many instances losing the
 * same server do not reconnect in lock-step, and none retries in a tight loop.
 *
 * @since 0.1.0
 */
final class ReconnectBackoff {

	private final long initialNanos;

	private final long maxNanos;

	private final DoubleSupplier random;

	private long ceilingNanos;

	ReconnectBackoff(Duration initial, Duration max) {
		this(initial, max, () -> ThreadLocalRandom.current().nextDouble());
	}

	ReconnectBackoff(Duration initial, Duration max, DoubleSupplier random) {
		this.initialNanos = Math.max(1, initial.toNanos());
		this.maxNanos = Math.max(this.initialNanos, max.toNanos());
		this.random = random;
		this.ceilingNanos = this.initialNanos;
	}

	/**
	 * Return the delay before the next attempt and raise the ceiling for the one after.
	 * @return the delay
	 */
	Duration next() {
		long ceiling = this.ceilingNanos;
		this.ceilingNanos = (ceiling > this.maxNanos / 2) ? this.maxNanos : ceiling * 2;
		long half = ceiling / 2;
		return Duration.ofNanos(half + (long) (this.random.getAsDouble() * (ceiling - half)));
	}

	/**
	 * Start again from the initial back-off, after a successful connection.
	 */
	void reset() {
		this.ceilingNanos = this.initialNanos;
	}

}
