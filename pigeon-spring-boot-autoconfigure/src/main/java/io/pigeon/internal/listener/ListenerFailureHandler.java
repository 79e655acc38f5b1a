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
		logger.error("Pigeon listener " + method + " failed on channel '" + channel + "' for payload "
				+ excerpt(payload), failure);
		handle(channel, payload, failure);
	}

	public void deliveryFailed(String channel, String payload, Throwable failure) {
		logger.error("Pigeon could not deliver a notification on channel '" + channel + "' to any listener, payload "
				+ excerpt(payload), failure);
		handle(channel, payload, failure);
	}

	private void handle(String channel, String payload, Throwable failure) {
		PigeonErrorHandler errorHandler = this.errorHandler;
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
