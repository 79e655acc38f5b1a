package io.pigeon.internal.listener.durable;

/**
 * This instance no longer holds a subscription's lease: it stops delivering at once and
 * stands by. Thrown inside a listener's transaction, it rolls the listener's work back.
 * <p>
 * Internal: not an API.
 */
final class LeaseLostException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	LeaseLostException(String message) {
		super(message, null, false, false);
	}

}
