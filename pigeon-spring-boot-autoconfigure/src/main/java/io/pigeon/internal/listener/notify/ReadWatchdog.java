package io.pigeon.internal.listener.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;

import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.TaskScheduler;

/**
 * Bounds every read of the listener connection from outside the reading thread. pgjdbc's
 * {@code getNotifications} sets the socket time-out to zero (wait for ever) once the first byte
 * of a message has arrived, so a network that freezes in the middle of a notification would
 * block the reading thread until TCP gives up, hours later, with health still {@code UP} and the
 * validation check never run. The reading thread announces each read with its wait; a check on
 * Pigeon's scheduler aborts the connection (closing its socket, which fails the blocked read)
 * when a read has gone on longer than that wait plus the network time-out
 * ({@code validation-timeout}).
 * <p>
 * Announcing a read costs two volatile writes; the check runs every quarter of the network
 * time-out, at most once a second.
 *
 * @since 0.1.0
 */
final class ReadWatchdog {

	private static final Duration MAX_PERIOD = Duration.ofSeconds(1);

	private final long networkTimeoutNanos;

	private final Duration period;

	private volatile @Nullable ListenerConnection connection;

	private volatile long deadline;

	private volatile boolean fired;

	private @Nullable ScheduledFuture<?> check;

	ReadWatchdog(Duration networkTimeout) {
		this.networkTimeoutNanos = networkTimeout.toNanos();
		Duration quarter = networkTimeout.dividedBy(4);
		this.period = (quarter.compareTo(MAX_PERIOD) > 0) ? MAX_PERIOD
				: (quarter.isZero() ? Duration.ofMillis(1) : quarter);
	}

	/**
	 * Start checking on the given scheduler.
	 * @param scheduler Pigeon's task scheduler
	 */
	void start(TaskScheduler scheduler) {
		this.check = scheduler.scheduleWithFixedDelay(this::check, Instant.now().plus(this.period), this.period);
	}

	/**
	 * Stop checking.
	 */
	void stop() {
		ScheduledFuture<?> check = this.check;
		if (check != null) {
			check.cancel(false);
		}
	}

	/**
	 * Announce a read on the reading thread, just before it starts.
	 * @param connection the connection read
	 * @param waitNanos how long the read may legitimately wait for the server
	 */
	void reading(ListenerConnection connection, long waitNanos) {
		this.fired = false;
		this.deadline = System.nanoTime() + waitNanos + this.networkTimeoutNanos;
		this.connection = connection;
	}

	/**
	 * Announce, on the reading thread, that the read has returned.
	 */
	void done() {
		this.connection = null;
	}

	/**
	 * Return whether the watchdog aborted the last read announced, so that its failure can be
	 * reported as what it is.
	 * @return {@code true} if the connection was aborted because a read overran its bound
	 */
	boolean fired() {
		return this.fired;
	}

	/**
	 * Return the network time-out the reads are bounded by beyond their wait.
	 * @return the time-out
	 */
	Duration getNetworkTimeout() {
		return Duration.ofNanos(this.networkTimeoutNanos);
	}

	void check() {
		ListenerConnection connection = this.connection;
		if (connection != null && System.nanoTime() - this.deadline > 0 && connection == this.connection) {
			this.fired = true;
			connection.abort();
		}
	}

}
