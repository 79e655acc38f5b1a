package io.pigeon.internal.listener;

/**
 * Thrown when a notification is not to be delivered to a listener method because it is not what
 * the method can trust or bind; counted and logged (rate-limited) by the channel's dispatcher,
 * never reported as a listener failure.
 *
 * @since 0.1.0
 */
public final class RejectedNotificationException extends RuntimeException {

	private final RejectionReason reason;

	/**
	 * Create a new exception.
	 * @param reason why the notification is rejected
	 * @param message what was wrong with it
	 */
	public RejectedNotificationException(RejectionReason reason, String message) {
		super(message, null, false, false);
		this.reason = reason;
	}

	/**
	 * Return why the notification is rejected.
	 * @return the reason
	 */
	public RejectionReason getReason() {
		return this.reason;
	}

}
