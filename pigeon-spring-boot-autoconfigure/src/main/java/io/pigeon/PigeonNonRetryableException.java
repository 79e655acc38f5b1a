package io.pigeon;

import org.jspecify.annotations.Nullable;

/**
 * Thrown by a {@link PigeonListener} method on a durable channel to say that calling it again
 * with the same event cannot succeed (a payload the application rejects, a row that no longer
 * makes sense): the event goes to the dead letters at once, without the retries of
 * {@code pigeon.durable.retry.*}, and the subscription moves on to the next event. Any
 * exception whose cause chain holds one counts. In notify mode it is reported like any other
 * failure, since notify mode never retries.
 *
 * @since 0.2.0
 */
public class PigeonNonRetryableException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create a new exception.
	 * @param message why the event cannot be processed
	 */
	public PigeonNonRetryableException(String message) {
		super(message);
	}

	/**
	 * Create a new exception.
	 * @param message why the event cannot be processed
	 * @param cause the underlying failure, or {@code null}
	 */
	public PigeonNonRetryableException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
