package io.pigeon.internal.listener.notify;

import java.time.Duration;

import org.springframework.util.Assert;

/**
 * How the notify container behaves. The values are checked where they are bound, with messages
 * naming their properties; this record only refuses values it cannot work with.
 *
 * @param queueCapacity the maximum number of notifications buffered per channel
 * @param validationInterval how long the connection may stay quiet before it is checked
 * @param shutdownTimeout the longest wait for in-flight listener calls on shutdown
 * @param initialBackoff the first delay between reconnection attempts
 * @param maxBackoff the longest delay between reconnection attempts
 * @param failFast whether start-up fails when the first connection attempt does
 * @since 0.1.0
 */
public record ListenerSettings(int queueCapacity, Duration validationInterval, Duration shutdownTimeout,
		Duration initialBackoff, Duration maxBackoff, boolean failFast) {

	/**
	 * Create settings.
	 * @throws IllegalArgumentException for a value the container cannot work with
	 */
	public ListenerSettings {
		Assert.isTrue(queueCapacity > 0, "queueCapacity must be greater than zero");
		Assert.isTrue(isPositive(validationInterval), "validationInterval must be greater than zero");
		Assert.isTrue(!shutdownTimeout.isNegative(), "shutdownTimeout must not be negative");
		Assert.isTrue(isPositive(initialBackoff), "initialBackoff must be greater than zero");
		Assert.isTrue(isPositive(maxBackoff), "maxBackoff must be greater than zero");
	}

	private static boolean isPositive(Duration duration) {
		return !duration.isNegative() && !duration.isZero();
	}

}
