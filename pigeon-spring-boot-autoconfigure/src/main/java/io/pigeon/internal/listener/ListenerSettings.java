package io.pigeon.internal.listener;

import java.time.Duration;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * How the listener behaves, as configured under {@code pigeon.listener}.
 *
 * @param queueCapacity the maximum number of notifications buffered per channel
 * @param validationInterval how long the connection may stay quiet before it is checked
 * @param shutdownTimeout the longest wait for in-flight listener calls on shutdown
 * @param initialBackoff the first delay between reconnection attempts
 * @param maxBackoff the longest delay between reconnection attempts
 * @param overflowRetention how long overflow payloads are kept
 * @param failFast whether start-up fails when the first connection attempt does
 * @since 0.1.0
 */
public record ListenerSettings(int queueCapacity, Duration validationInterval, Duration shutdownTimeout,
		Duration initialBackoff, Duration maxBackoff, Duration overflowRetention, boolean failFast) {

	/**
	 * Create settings, checking that every value can work.
	 * @throws InvalidConfigurationPropertyValueException naming the property of a value that
	 * cannot
	 */
	public ListenerSettings {
		require(queueCapacity > 0, "pigeon.listener.queue-capacity", queueCapacity);
		require(isPositive(validationInterval), "pigeon.listener.validation-interval", validationInterval);
		if (shutdownTimeout.isNegative()) {
			throw new InvalidConfigurationPropertyValueException("pigeon.listener.shutdown-timeout", shutdownTimeout,
					"The shutdown timeout must not be negative.");
		}
		require(isPositive(initialBackoff), "pigeon.listener.reconnect.initial-backoff", initialBackoff);
		require(isPositive(maxBackoff), "pigeon.listener.reconnect.max-backoff", maxBackoff);
		require(isPositive(overflowRetention), "pigeon.listener.overflow-retention", overflowRetention);
	}

	private static boolean isPositive(Duration duration) {
		return !duration.isNegative() && !duration.isZero();
	}

	private static void require(boolean positive, String property, Object value) {
		if (!positive) {
			throw new InvalidConfigurationPropertyValueException(property, value,
					"The value must be greater than zero.");
		}
	}

}
