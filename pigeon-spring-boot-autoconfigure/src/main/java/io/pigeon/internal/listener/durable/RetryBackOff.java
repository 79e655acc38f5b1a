package io.pigeon.internal.listener.durable;

import java.time.Duration;

import io.pigeon.PigeonNonRetryableException;
import org.jspecify.annotations.Nullable;

import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The waits between the calls of a listener method for one event: Spring's
 * {@link ExponentialBackOff} from {@code initial-backoff}, growing by {@code multiplier} up to
 * {@code max-backoff}, with a jitter of a quarter of the initial back-off (so that instances
 * failing on the same cause do not retry in lock-step), for at most {@code max-attempts} calls,
 * the first included.
 * <p>
 * Internal: not an API.
 */
final class RetryBackOff {

	private final ExponentialBackOff backOff;

	private final int maxAttempts;

	RetryBackOff(DurableSettings settings) {
		this(settings.maxAttempts(), settings.initialBackoff(), settings.multiplier(), settings.maxBackoff());
	}

	RetryBackOff(int maxAttempts, Duration initial, double multiplier, Duration max) {
		this.maxAttempts = maxAttempts;
		this.backOff = new ExponentialBackOff(Math.max(1, initial.toMillis()), multiplier);
		this.backOff.setMaxInterval(Math.max(this.backOff.getInitialInterval(), max.toMillis()));
		this.backOff.setJitter(this.backOff.getInitialInterval() / 4);
		// Spring counts the waits, that is the calls after the first
		this.backOff.setMaxAttempts(maxAttempts - 1);
	}

	/**
	 * Start the waits of one event.
	 * @return the waits, one per further call
	 */
	Execution start() {
		return new Execution(this.backOff.start());
	}

	int maxAttempts() {
		return this.maxAttempts;
	}

	/**
	 * Return whether a failure must not be retried: a {@link PigeonNonRetryableException}
	 * anywhere in its cause chain.
	 * @param failure what the method threw
	 * @return {@code true} to send the event to the dead letters at once
	 */
	static boolean isNonRetryable(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof PigeonNonRetryableException) {
				return true;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return false;
	}

	/**
	 * The waits of one event.
	 */
	final class Execution {

		private final BackOffExecution execution;

		private int attempts;

		Execution(BackOffExecution execution) {
			this.execution = execution;
		}

		/**
		 * Count a failed call and return the wait before the next one.
		 * @return the wait, or {@code null} when the event has had its last call
		 */
		@Nullable Duration failed() {
			this.attempts++;
			if (this.attempts >= RetryBackOff.this.maxAttempts) {
				return null;
			}
			long wait = this.execution.nextBackOff();
			return (wait == BackOffExecution.STOP) ? null : Duration.ofMillis(wait);
		}

	}

}
