package io.pigeon.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Checks the {@code pigeon.durable.*} properties where they are bound, so that a value durable
 * delivery cannot work with fails start-up naming its property, before any DDL.
 */
final class DurablePropertiesValidator {

	private static final String PREFIX = "pigeon.durable.";

	private static final Duration MIN_LEASE_TIMEOUT = Duration.ofSeconds(1);

	private DurablePropertiesValidator() {
	}

	/**
	 * Check the properties of durable delivery.
	 * @param durable the properties
	 * @throws InvalidConfigurationPropertyValueException naming the property of the first value
	 * that cannot work
	 */
	static void validate(PigeonProperties.Durable durable) {
		requirePositive("retention", durable.getRetention());
		if (durable.getBatchSize() < 1) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "batch-size", durable.getBatchSize(),
					"The batch size must be at least 1.");
		}
		requirePositive("poll-interval", durable.getPollInterval());
		// A lease is renewed every third of its timeout, over a network round trip.
		if (durable.getLeaseTimeout().compareTo(MIN_LEASE_TIMEOUT) < 0) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "lease-timeout", durable.getLeaseTimeout(),
					"The lease timeout must be at least a second (1s): the holder renews its lease every third of "
							+ "it, and a shorter one would pass to another instance while the holder is working.");
		}
		requirePositive("subscription-expiry", durable.getSubscriptionExpiry());
		requirePositive("maintenance-interval", durable.getMaintenanceInterval());
		PigeonProperties.Durable.Retry retry = durable.getRetry();
		if (retry.getMaxAttempts() < 1) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "retry.max-attempts", retry.getMaxAttempts(),
					"The number of attempts must be at least 1 (the first call).");
		}
		requirePositive("retry.initial-backoff", retry.getInitialBackoff());
		requirePositive("retry.max-backoff", retry.getMaxBackoff());
		if (!(retry.getMultiplier() >= 1.0) || Double.isInfinite(retry.getMultiplier())) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "retry.multiplier", retry.getMultiplier(),
					"The multiplier must be a finite number of at least 1 (1 waits the same time before every call).");
		}
		if (retry.getInitialBackoff().compareTo(retry.getMaxBackoff()) > 0) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "retry.initial-backoff",
					retry.getInitialBackoff(), "The initial back-off must not be longer than " + PREFIX
							+ "retry.max-backoff (" + retry.getMaxBackoff() + ").");
		}
	}

	private static void requirePositive(String property, Duration value) {
		if (value.isNegative() || value.isZero()) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + property, value,
					"The value must be greater than zero.");
		}
	}

}
