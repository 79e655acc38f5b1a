package io.pigeon;

/**
 * Receives the exception thrown by a {@link PigeonListener} method. Declare a bean of this type
 * to be told of every failure; later notifications and other listeners carry on regardless.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface PigeonErrorHandler {

	/**
	 * Handle the failure of a listener method.
	 * @param channel the channel the notification arrived on
	 * @param payload the notification's payload
	 * @param exception what the listener threw
	 */
	void handleError(String channel, String payload, Throwable exception);

}
