package io.pigeon.internal.listener;

/**
 * Wraps each call of a listener method, to observe it: a delivery mode calls
 * {@link #invoke(String, MethodListenerAdapter, IncomingNotification)} instead of
 * {@link MethodListenerAdapter#invoke(IncomingNotification)} when it has one, and the method
 * directly when it has none, so that delivery without observation costs a null check only.
 * Implementations call the method exactly once and rethrow what it threw, so that the delivery
 * mode's failure handling is unchanged.
 *
 * @since 0.1.0
 * @see MicrometerListenerInvocationObserver
 */
@FunctionalInterface
public interface ListenerInvocationObserver {

	/**
	 * Call the listener method with the notification, observing the call.
	 * @param channel the channel the notification arrived on
	 * @param listener the listener method to call
	 * @param notification the notification
	 * @throws Throwable what the call threw
	 */
	void invoke(String channel, MethodListenerAdapter listener, IncomingNotification notification) throws Throwable;

}
