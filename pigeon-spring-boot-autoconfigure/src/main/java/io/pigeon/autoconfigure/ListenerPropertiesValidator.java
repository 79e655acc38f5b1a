package io.pigeon.autoconfigure;

import java.time.Duration;

import io.pigeon.internal.listener.notify.ListenerSettings;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Checks the {@code pigeon.listener.*} properties where they are bound, so that a value the
 * listener cannot work with fails start-up naming its property, and turns them into the
 * listener's own settings.
 */
final class ListenerPropertiesValidator {

	private static final String PREFIX = "pigeon.listener.";

	private static final Duration MIN_OVERFLOW_RETENTION = Duration.ofMinutes(1);

	private ListenerPropertiesValidator() {
	}

	/**
	 * Check the properties of the listener connection.
	 * @param listener the properties
	 * @throws InvalidConfigurationPropertyValueException naming the property of a value that
	 * cannot work
	 */
	static void validateConnection(PigeonProperties.Listener listener) {
		// pgjdbc reads zero as "wait for ever" and refuses a negative value on every connection attempt.
		requirePositive("validation-timeout", listener.getValidationTimeout());
	}

	/**
	 * Check the properties of the overflow clean-up.
	 * @param listener the properties
	 * @throws InvalidConfigurationPropertyValueException naming the property of a value that
	 * cannot work
	 */
	static void validateOverflow(PigeonProperties.Listener listener) {
		// A stored payload must outlive its delivery: the notification's wait in PostgreSQL's
		// queue and in the channel's buffer, a reconnection, then the read.
		if (listener.getOverflowRetention().compareTo(MIN_OVERFLOW_RETENTION) < 0) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "overflow-retention",
					listener.getOverflowRetention(), "Overflow payloads must be kept at least a minute (1m): a "
							+ "shorter retention deletes payloads before a delivery held up by a busy channel or a "
							+ "reconnection can read them.");
		}
	}

	/**
	 * Check the properties of the notification queue's usage gauge.
	 * @param listener the properties
	 * @throws InvalidConfigurationPropertyValueException naming the property of a value that
	 * cannot work
	 */
	static void validateQueueUsage(PigeonProperties.Listener listener) {
		requirePositive("queue-usage-sample-interval", listener.getQueueUsageSampleInterval());
	}

	/**
	 * Check the properties of the listener container and return them as its settings.
	 * @param listener the properties
	 * @return the settings
	 * @throws InvalidConfigurationPropertyValueException naming the property of a value that
	 * cannot work
	 */
	static ListenerSettings settings(PigeonProperties.Listener listener) {
		require(listener.getQueueCapacity() > 0, "queue-capacity", listener.getQueueCapacity());
		requirePositive("validation-interval", listener.getValidationInterval());
		if (listener.getShutdownTimeout().isNegative()) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "shutdown-timeout",
					listener.getShutdownTimeout(), "The shutdown timeout must not be negative.");
		}
		PigeonProperties.Reconnect reconnect = listener.getReconnect();
		requirePositive("reconnect.initial-backoff", reconnect.getInitialBackoff());
		requirePositive("reconnect.max-backoff", reconnect.getMaxBackoff());
		return new ListenerSettings(listener.getQueueCapacity(), listener.getValidationInterval(),
				listener.getShutdownTimeout(), reconnect.getInitialBackoff(), reconnect.getMaxBackoff(),
				listener.isFailFast());
	}

	private static void requirePositive(String property, Duration value) {
		require(!value.isNegative() && !value.isZero(), property, value);
	}

	private static void require(boolean positive, String property, Object value) {
		if (!positive) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + property, value,
					"The value must be greater than zero.");
		}
	}

}
