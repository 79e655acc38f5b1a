package io.pigeon.internal.listener.notify;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import io.pigeon.internal.listener.ListenerStatus;
import io.pigeon.internal.listener.notify.ListenerConnection.ResumePoint;
import org.postgresql.PGNotification;

import org.springframework.scheduling.TaskScheduler;

/**
 * The one thread that reads the listener connection. It hands every notification to its channel's
 * {@link ChannelDispatcher} and reads on: it never runs application code and never stops draining
 * the socket, because a listening backend whose client stops reading pins PostgreSQL's
 * notification queue for the whole database, and once that queue is full every writer's commit
 * fails.
 * <p>
 * When the connection has been quiet for the validation interval it checks it actively (a
 * {@code SELECT 1} bounded by the network time-out): pgjdbc's {@code getNotifications} cannot
 * tell a quiet channel from a silent peer. A lost connection is re-established with exponential
 * back-off and jitter and LISTENs again on every channel; each outage is logged once as a warning
 * and its end once as information, then announced to the {@link OutageListener}.
 * <p>
 * Every read (LISTEN, the check, the wait for notifications) is also bounded from outside by a
 * {@link ReadWatchdog} on Pigeon's scheduler, because pgjdbc waits for ever for the rest of a
 * message once its first byte has arrived.
 * <p>
 * The thread is not a daemon: an application whose only job is to listen keeps running until it
 * is stopped. It is the reader's own platform thread rather than one from an executor: there is
 * exactly one, for the container's whole run, and it spends its life blocked in a socket read,
 * which gains nothing from a virtual thread and would pin a pooled one.
 *
 * @since 0.1.0
 */
final class NotificationReader {

	private static final Log logger = LogFactory.getLog(NotificationReader.class);

	static final String THREAD_NAME = "pigeon-listener";

	private final ListenerConnectionFactory connectionFactory;

	private final Map<String, ChannelDispatcher> dispatchers;

	private final List<String> channels;

	private final long validationIntervalNanos;

	private final ReconnectBackoff backoff;

	private final boolean retryFirstAttempt;

	private final ListenerStatus status;

	private final OutageListener outageListener;

	private final ReadWatchdog watchdog;

	private final TaskScheduler tasks;

	private final CompletableFuture<Void> firstAttempt = new CompletableFuture<>();

	private final CountDownLatch stopSignal = new CountDownLatch(1);

	private final Thread thread;

	private volatile boolean running = true;

	private volatile @Nullable ListenerConnection connection;

	private @Nullable Instant outageStart;

	// The last notification received or check answered: a silent network loses changes from here.
	private @Nullable Instant lastKnownGood;

	private @Nullable Instant outageLastKnownGood;

	private boolean lowLatencyReported;

	NotificationReader(ListenerConnectionFactory connectionFactory, Map<String, ChannelDispatcher> dispatchers,
			ListenerSettings settings, ListenerStatus status, OutageListener outageListener, TaskScheduler tasks) {
		this.connectionFactory = connectionFactory;
		this.dispatchers = Map.copyOf(dispatchers);
		this.channels = List.copyOf(dispatchers.keySet());
		this.validationIntervalNanos = settings.validationInterval().toNanos();
		this.backoff = new ReconnectBackoff(settings.initialBackoff(), settings.maxBackoff());
		this.retryFirstAttempt = !settings.failFast();
		this.status = status;
		this.outageListener = outageListener;
		this.watchdog = new ReadWatchdog(connectionFactory.getNetworkTimeout());
		this.tasks = tasks;
		this.thread = new Thread(this::run, THREAD_NAME);
		this.thread.setDaemon(false);
	}

	/**
	 * Start reading.
	 * @return completes when the first connection attempt has LISTENed on every channel, or
	 * exceptionally with its failure
	 */
	CompletableFuture<Void> start() {
		this.status.starting(this.channels);
		this.watchdog.start(this.tasks);
		this.thread.start();
		return this.firstAttempt;
	}

	/**
	 * Stop reading: close the connection, failing a read in progress, and wait for the thread to
	 * end.
	 * @param timeout the longest wait
	 * @return {@code true} if the thread has ended
	 * @throws InterruptedException if interrupted while waiting
	 */
	boolean stop(Duration timeout) throws InterruptedException {
		this.running = false;
		this.stopSignal.countDown();
		ListenerConnection connection = this.connection;
		if (connection != null) {
			connection.abort();
		}
		this.thread.join(Math.max(1, timeout.toMillis()));
		this.watchdog.stop();
		this.status.stopped();
		return !this.thread.isAlive();
	}

	private void run() {
		try {
			readUntilStopped();
		}
		catch (Throwable ex) {
			// An Error (a driver of another version, memory): start() must not wait for ever for
			// the first attempt, and health must not report a listener that no longer reads.
			this.firstAttempt.completeExceptionally(ex);
			if (this.running) {
				this.status.disconnected(Instant.now(), ex.toString());
				logger.error("Pigeon's listener thread has ended: notifications are no longer received", ex);
			}
		}
	}

	private void readUntilStopped() {
		while (this.running) {
			ListenerConnection connection = null;
			try {
				connection = this.connectionFactory.open();
				this.connection = connection;
				if (!this.running) {
					break;
				}
				this.watchdog.reading(connection, 0);
				try {
					connection.listen(this.channels);
				}
				finally {
					this.watchdog.done();
				}
				listening(connection);
				read(connection);
			}
			catch (SQLException | RuntimeException caught) {
				if (!this.running) {
					break;
				}
				Exception ex = this.watchdog.fired() ? new ReadOverrunException(this.watchdog, caught) : caught;
				if (!this.firstAttempt.isDone()) {
					this.firstAttempt.completeExceptionally(ex);
					if (!this.retryFirstAttempt) {
						break;
					}
				}
				connectionLost(ex);
				pause(this.backoff.next());
			}
			finally {
				this.connection = null;
				if (connection != null) {
					connection.close();
				}
			}
		}
	}

	private void listening(ListenerConnection connection) throws SQLException {
		this.backoff.reset();
		this.status.listening(connection.getBackendPid());
		if (!connection.isLowLatency() && !this.lowLatencyReported) {
			// The tuner has logged why: say once what it means here.
			logger.info("Pigeon's listener runs with pgjdbc's stock notification batching");
			this.lowLatencyReported = true;
		}
		Instant outageStart = this.outageStart;
		if (outageStart != null) {
			ResumePoint resumePoint = connection.resumePoint();
			Instant outageEnd = Instant.now();
			Instant lastKnownGood = (this.outageLastKnownGood != null) ? this.outageLastKnownGood : outageStart;
			this.outageStart = null;
			logger.info("Pigeon's listener connection is back after an outage of "
					+ Duration.between(outageStart, outageEnd).toMillis() + " ms and listens on " + this.channels
					+ "; notifications sent during the outage were not received");
			this.outageListener.outageEnded(outageStart, outageEnd, lastKnownGood, resumePoint);
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("Pigeon listens on " + this.channels + " (backend " + connection.getBackendPid() + ")");
		}
		this.lastKnownGood = Instant.now();
		this.firstAttempt.complete(null);
	}

	private void read(ListenerConnection connection) throws SQLException {
		long lastActivity = System.nanoTime();
		while (this.running) {
			long untilValidation = this.validationIntervalNanos - (System.nanoTime() - lastActivity);
			if (untilValidation <= 0) {
				this.watchdog.reading(connection, 0);
				try {
					connection.validate();
				}
				finally {
					this.watchdog.done();
				}
				lastActivity = System.nanoTime();
				this.lastKnownGood = Instant.now();
				continue;
			}
			PGNotification[] notifications;
			this.watchdog.reading(connection, untilValidation);
			try {
				notifications = connection
					.poll((int) Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(untilValidation) + 1));
			}
			finally {
				this.watchdog.done();
			}
			if (notifications.length > 0) {
				lastActivity = System.nanoTime();
				this.lastKnownGood = Instant.now();
				this.status.notificationsReceived(this.lastKnownGood.toEpochMilli());
				handOver(notifications);
			}
		}
	}

	/**
	 * Give each channel's dispatcher its notifications, a run of consecutive ones on the same
	 * channel at a time: one hand-over per run rather than per notification, order kept.
	 */
	private void handOver(PGNotification[] notifications) {
		int from = 0;
		while (from < notifications.length) {
			String channel = notifications[from].getName();
			int to = from + 1;
			while (to < notifications.length && notifications[to].getName().equals(channel)) {
				to++;
			}
			ChannelDispatcher dispatcher = this.dispatchers.get(channel);
			if (dispatcher != null) {
				List<String> payloads = new ArrayList<>(to - from);
				for (int i = from; i < to; i++) {
					payloads.add(notifications[i].getParameter());
				}
				dispatcher.offer(payloads);
			}
			from = to;
		}
	}

	private void connectionLost(Exception ex) {
		if (this.outageStart == null) {
			Instant now = Instant.now();
			this.outageStart = now;
			this.outageLastKnownGood = (this.lastKnownGood != null) ? this.lastKnownGood : now;
			this.status.disconnected(now, ex.toString());
			logger.warn("Pigeon's listener connection to " + this.connectionFactory.getDisplayUrl()
					+ " is lost or cannot be established (" + ex + "); notifications are not received until it "
					+ "is back. Reconnecting with back-off; a PigeonListenerReconnectedEvent will announce the "
					+ "end of the outage.");
			if (logger.isDebugEnabled()) {
				logger.debug("Pigeon listener connection failure", ex);
			}
		}
		else {
			this.status.disconnected(this.outageStart, ex.toString());
			if (logger.isDebugEnabled()) {
				logger.debug("Pigeon's listener still cannot connect: " + ex);
			}
		}
	}

	private void pause(Duration delay) {
		try {
			this.stopSignal.await(delay.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.running = false;
		}
	}

	/**
	 * A read that the {@link ReadWatchdog} ended by aborting the connection.
	 */
	static final class ReadOverrunException extends SQLException {

		ReadOverrunException(ReadWatchdog watchdog, Exception cause) {
			super("A read of the listener connection went on longer than its wait plus pigeon.listener."
					+ "validation-timeout (" + watchdog.getNetworkTimeout().toMillis() + " ms) without completing, "
					+ "as when the network freezes in the middle of a message: the connection was aborted", cause);
		}

	}

	/**
	 * Told when the connection is back after an outage.
	 */
	@FunctionalInterface
	interface OutageListener {

		/**
		 * Called on the reading thread when listening has resumed; must return quickly.
		 * @param outageStart when the connection was found lost
		 * @param outageEnd when listening resumed
		 * @param lastKnownGood when the connection was last known to work, before the outage
		 * @param resumePoint the database's position right after LISTEN on the new connection
		 */
		void outageEnded(Instant outageStart, Instant outageEnd, Instant lastKnownGood, ResumePoint resumePoint);

	}

}
