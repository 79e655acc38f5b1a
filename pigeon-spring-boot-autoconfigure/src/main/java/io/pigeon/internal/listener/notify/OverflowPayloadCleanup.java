package io.pigeon.internal.listener.notify;

import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.util.Assert;

/**
 * Deletes the overflow payloads kept longer than their retention, counted from when each was
 * first seen committed: a task the {@link OverflowCleanupScheduler} runs every
 * {@link #getPeriod() period} in every running instance, listening or not.
 *
 * @since 0.1.0
 */
public class OverflowPayloadCleanup implements Runnable {

	private static final Log logger = LogFactory.getLog(OverflowPayloadCleanup.class);

	private static final Duration MIN_PERIOD = Duration.ofSeconds(1);

	private static final Duration MAX_PERIOD = Duration.ofMinutes(1);

	private final OverflowPayloadStore store;

	private final Duration retention;

	/**
	 * Create a new clean-up.
	 * @param store where the payloads are kept
	 * @param retention how long payloads are kept
	 * @throws IllegalArgumentException if the retention is not positive
	 */
	public OverflowPayloadCleanup(OverflowPayloadStore store, Duration retention) {
		Assert.isTrue(!retention.isNegative() && !retention.isZero(), "retention must be greater than zero");
		this.store = store;
		this.retention = retention;
	}

	/**
	 * Return how often to run: as often as the retention, between once a second and once a
	 * minute, so that an expired payload is deleted soon after it expires.
	 * @return the delay between two runs
	 */
	public Duration getPeriod() {
		Duration period = (this.retention.compareTo(MAX_PERIOD) < 0) ? this.retention : MAX_PERIOD;
		return (period.compareTo(MIN_PERIOD) > 0) ? period : MIN_PERIOD;
	}

	/**
	 * Delete the expired payloads; a failure is logged and retried at the next run.
	 */
	@Override
	public void run() {
		try {
			int deleted = this.store.deleteExpired(this.retention);
			if (deleted > 0 && logger.isDebugEnabled()) {
				logger.debug("Pigeon deleted " + deleted + " overflow payload(s) older than " + this.retention);
			}
		}
		catch (RuntimeException ex) {
			// Retried at the next period; expired payloads only take space meanwhile.
			logger.warn("Pigeon could not delete expired overflow payloads: " + ex);
		}
	}

}
