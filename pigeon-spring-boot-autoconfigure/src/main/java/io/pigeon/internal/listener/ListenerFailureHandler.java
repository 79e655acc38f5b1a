package io.pigeon.internal.listener;

import io.pigeon.PigeonErrorHandler;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Reports a notification that a listener method failed on, or that could not be delivered at
 * all: logs it with the channel, the method and an excerpt of the payload, then hands it to the
 * application's {@link PigeonErrorHandler} when there is one. Dispatch carries on either way.
 *
 * @since 0.1.0
 */
public final class ListenerFailureHandler {

	private static final Log logger = LogFactory.getLog(ListenerFailureHandler.class);

	private static final int EXCERPT_LENGTH = 200;

	private final @Nullable PigeonErrorHandler errorHandler;

	public ListenerFailureHandler(@Nullable PigeonErrorHandler errorHandler) {
		this.errorHandler = errorHandler;
	}

	public void listenerFailed(String channel, String method, String payload, Throwable failure) {
		listenerFailed(channel, method, payload, failure, null);
	}

	/**
	 * Report a listener's failure to its own error handler, or to the application's.
	 * @param channel the channel
	 * @param method the method's description
	 * @param payload the payload
	 * @param failure what the method threw
	 * @param listenerErrorHandler the listener's own error handler, or {@code null}
	 */
	public void listenerFailed(String channel, String method, String payload, Throwable failure,
			@Nullable PigeonErrorHandler listenerErrorHandler) {
		logger.error("Pigeon listener " + method + " failed on channel '" + channel + "' for payload "
				+ excerpt(payload), failure);
		handle((listenerErrorHandler != null) ? listenerErrorHandler : this.errorHandler, channel, payload, failure);
	}

	/**
	 * Hand a listener's failure to its own error handler, or to the application's, without
	 * logging it (the caller logs it as its delivery mode needs, for example once per retry).
	 * @param channel the channel
	 * @param payload the payload
	 * @param failure what the method threw
	 * @param listenerErrorHandler the listener's own error handler, or {@code null}
	 */
	public void report(String channel, String payload, Throwable failure,
			@Nullable PigeonErrorHandler listenerErrorHandler) {
		handle((listenerErrorHandler != null) ? listenerErrorHandler : this.errorHandler, channel, payload, failure);
	}

	public void deliveryFailed(String channel, String payload, Throwable failure) {
		logger.error("Pigeon could not deliver a notification on channel '" + channel + "' to any listener, payload "
				+ excerpt(payload), failure);
		handle(this.errorHandler, channel, payload, failure);
	}

	private void handle(@Nullable PigeonErrorHandler errorHandler, String channel, String payload,
			Throwable failure) {
		if (errorHandler == null) {
			return;
		}
		try {
			errorHandler.handleError(channel, payload, failure);
		}
		catch (Throwable ex) {
			logger.error("PigeonErrorHandler " + errorHandler.getClass().getName() + " failed on channel '" + channel
					+ "'", ex);
		}
	}

	public static String excerpt(String payload) {
		if (payload.length() <= EXCERPT_LENGTH) {
			return payload;
		}
		return payload.substring(0, EXCERPT_LENGTH) + "… (" + payload.length() + " characters)";
	}

}
