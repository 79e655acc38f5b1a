package io.pigeon.internal.listener.notify;

import java.util.concurrent.TimeUnit;

import io.pigeon.internal.listener.ListenerFailureHandler;
import io.pigeon.internal.listener.ListenerMetrics.ChannelMetrics;
import io.pigeon.internal.listener.RejectedNotificationException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Counts and reports one channel's notifications that were not delivered because they are forged
 * or not what a method binds ({@link RejectedNotificationException}). Anyone who can connect can
 * NOTIFY, so a flood of them must neither fill the log nor reach the error handler: each is
 * counted in {@code pigeon.notifications.rejected}, and a warning is logged at most once a minute
 * per channel, with how many were rejected since the last one. Used by the channel's dispatching
 * thread alone.
 *
 * @since 0.1.0
 */
final class NotificationRejections {

	private static final Log logger = LogFactory.getLog(NotificationRejections.class);

	private static final long LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

	private final String channel;

	private final ChannelMetrics metrics;

	private long lastLogged;

	private boolean logged;

	private long unreported;

	NotificationRejections(String channel, ChannelMetrics metrics) {
		this.channel = channel;
		this.metrics = metrics;
	}

	/**
	 * Count a rejected notification, and log it unless one was logged less than a minute ago.
	 * @param rejection why it was rejected
	 * @param payload the payload as received
	 */
	void rejected(RejectedNotificationException rejection, String payload) {
		this.metrics.rejected(rejection.getReason());
		this.unreported++;
		long now = System.nanoTime();
		if (this.logged && now - this.lastLogged < LOG_INTERVAL_NANOS) {
			return;
		}
		logger.warn("Pigeon rejected " + this.unreported + " notification(s) on channel '" + this.channel
				+ "' (" + rejection.getReason().tag() + "); the last one: " + rejection.getMessage() + ", payload "
				+ ListenerFailureHandler.excerpt(payload) + ". Such notifications are counted in "
				+ "pigeon.notifications.rejected and logged at most once a minute per channel.");
		this.logged = true;
		this.lastLogged = now;
		this.unreported = 0;
	}

}
