package io.pigeon.internal.listener;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link ListenerContainer} is doing, as written by its receiving thread and read by health
 * checks without any lock.
 *
 * @since 0.1.0
 */
public final class ListenerStatus {

	/**
	 * The listener connection's state.
	 */
	public enum State {

		/**
		 * No {@code @PigeonListener} method: no connection is opened.
		 */
		IDLE,

		/**
		 * Starting: the first connection attempt is under way.
		 */
		STARTING,

		/**
		 * Connected and listening on every channel.
		 */
		LISTENING,

		/**
		 * The connection is lost or could not be established; reconnecting with back-off.
		 */
		DISCONNECTED,

		/**
		 * Stopped with the application context.
		 */
		STOPPED

	}

	private volatile State state = State.IDLE;

	private volatile List<String> channels = List.of();

	private volatile int backendPid;

	private volatile long lastNotificationMillis;

	private volatile @Nullable Instant disconnectedSince;

	private volatile @Nullable String lastError;

	private volatile int failedAttempts;

	public State getState() {
		return this.state;
	}

	public List<String> getChannels() {
		return this.channels;
	}

	/**
	 * Return the process id of the server backend that listens, while connected.
	 * @return the backend's pid, or 0 when not connected
	 */
	public int getBackendPid() {
		return this.backendPid;
	}

	/**
	 * Return when the last notification was received.
	 * @return the time, or {@code null} if none has been
	 */
	public @Nullable Instant getLastNotification() {
		long millis = this.lastNotificationMillis;
		return (millis != 0) ? Instant.ofEpochMilli(millis) : null;
	}

	/**
	 * Return since when the connection has been lost.
	 * @return the start of the current outage, or {@code null} when connected
	 */
	public @Nullable Instant getDisconnectedSince() {
		return this.disconnectedSince;
	}

	/**
	 * Return why the connection was lost.
	 * @return the last connection failure, or {@code null} when connected
	 */
	public @Nullable String getLastError() {
		return this.lastError;
	}

	/**
	 * Return how many connection attempts have failed in the current outage, counting the
	 * failure that started it.
	 * @return the number of failures, 0 when connected
	 */
	public int getFailedAttempts() {
		return this.failedAttempts;
	}

	/**
	 * Record that the first connection attempt is under way.
	 * @param channels the channels to listen on
	 */
	public void starting(List<String> channels) {
		this.channels = List.copyOf(channels);
		this.state = State.STARTING;
	}

	/**
	 * Record that the connection listens on every channel.
	 * @param backendPid the process id of the server backend
	 */
	public void listening(int backendPid) {
		this.backendPid = backendPid;
		this.disconnectedSince = null;
		this.lastError = null;
		this.failedAttempts = 0;
		this.state = State.LISTENING;
	}

	/**
	 * Record a failed connection attempt or a lost connection.
	 * @param since when the outage started
	 * @param error why the attempt failed
	 */
	public void disconnected(Instant since, String error) {
		this.backendPid = 0;
		this.disconnectedSince = since;
		this.lastError = error;
		this.failedAttempts++;
		this.state = State.DISCONNECTED;
	}

	/**
	 * Record that notifications were received.
	 * @param epochMillis when
	 */
	public void notificationsReceived(long epochMillis) {
		this.lastNotificationMillis = epochMillis;
	}

	/**
	 * Record that the container has stopped receiving.
	 */
	public void stopped() {
		this.backendPid = 0;
		this.state = State.STOPPED;
	}

}
