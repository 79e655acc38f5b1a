package io.pigeon.internal.listener.durable;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.pigeon.internal.durable.DurableLogSql;
import io.pigeon.internal.listener.notify.ListenerConnection;
import io.pigeon.internal.listener.notify.ListenerConnectionFactory;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGNotification;

import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * With {@code pigeon.durable.wake-up=notify}: one dedicated connection, never from the pool,
 * that LISTENs on {@value DurableLogSql#WAKE_UP_CHANNEL} on its own platform thread
 * {@value #THREAD_NAME}, and wakes the workers of the channel each notification names. It
 * LISTENs before the workers' first read (so a wake-up is never missed between the two),
 * reconnects with back-off after a failure and then wakes every worker, since wake-ups sent
 * while it was away are lost. Workers poll every poll-interval regardless, so a lost wake-up
 * only delays delivery.
 * <p>
 * Internal: not an API.
 */
final class WakeUpListener {

	private static final Log logger = LogFactory.getLog(WakeUpListener.class);

	static final String THREAD_NAME = "pigeon-durable-wake-up";

	private static final long VALIDATION_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);

	private final ListenerConnectionFactory connectionFactory;

	private final Map<String, List<SubscriptionWorker>> workers;

	private final Duration readTimeout;

	private final Duration initialBackoff;

	private final Duration maxBackoff;

	private volatile boolean stopping;

	private volatile @Nullable ListenerConnection connection;

	private @Nullable Thread thread;

	WakeUpListener(ListenerConnectionFactory connectionFactory, Map<String, List<SubscriptionWorker>> workers,
			Duration readTimeout, Duration initialBackoff, Duration maxBackoff) {
		this.connectionFactory = connectionFactory;
		this.workers = workers;
		this.readTimeout = readTimeout;
		this.initialBackoff = initialBackoff;
		this.maxBackoff = maxBackoff;
	}

	/**
	 * LISTEN, then start the reading thread; a first connection that fails is logged and
	 * retried by the thread, the workers polling meanwhile.
	 */
	void start() {
		try {
			this.connection = connect();
		}
		catch (SQLException | RuntimeException ex) {
			logger.warn("Pigeon cannot LISTEN for durable wake-ups yet (" + ex.getMessage() + "): subscriptions poll "
					+ "every pigeon.durable.poll-interval until it reconnects");
		}
		Thread thread = new Thread(this::run, THREAD_NAME);
		// Like the notify reading thread: an application that only listens stays up.
		thread.setDaemon(false);
		this.thread = thread;
		thread.start();
	}

	private ListenerConnection connect() throws SQLException {
		ListenerConnection connection = this.connectionFactory.open();
		try {
			connection.listen(List.of(DurableLogSql.WAKE_UP_CHANNEL));
			return connection;
		}
		catch (SQLException | RuntimeException ex) {
			connection.close();
			throw ex;
		}
	}

	private void run() {
		BackOffExecution backOff = null;
		long lastRead = System.nanoTime();
		while (!this.stopping) {
			ListenerConnection connection = this.connection;
			try {
				if (connection == null) {
					connection = connect();
					this.connection = connection;
					logger.info("Pigeon LISTENs for durable wake-ups again");
					backOff = null;
					// Wake-ups sent while disconnected are lost: every subscription catches up.
					wakeAll();
				}
				PGNotification[] notifications = connection.poll((int) Math.min(Integer.MAX_VALUE,
						Math.max(1, this.readTimeout.toMillis())));
				if (notifications.length == 0) {
					if (System.nanoTime() - lastRead > VALIDATION_INTERVAL_NANOS) {
						connection.validate();
						lastRead = System.nanoTime();
					}
					continue;
				}
				lastRead = System.nanoTime();
				for (PGNotification notification : notifications) {
					List<SubscriptionWorker> channel = this.workers.get(notification.getParameter());
					if (channel != null) {
						channel.forEach(SubscriptionWorker::wakeUp);
					}
				}
			}
			catch (SQLException | RuntimeException ex) {
				if (this.stopping) {
					break;
				}
				if (connection != null) {
					connection.close();
				}
				this.connection = null;
				if (backOff == null) {
					ExponentialBackOff exponential = new ExponentialBackOff(
							Math.max(1, this.initialBackoff.toMillis()), 2.0);
					exponential.setMaxInterval(Math.max(exponential.getInitialInterval(), this.maxBackoff.toMillis()));
					exponential.setJitter(exponential.getInitialInterval() / 2);
					backOff = exponential.start();
					logger.warn("Pigeon lost its durable wake-up connection (" + ex.getMessage() + "): reconnecting "
							+ "with back-off, subscriptions poll every pigeon.durable.poll-interval meanwhile");
				}
				try {
					Thread.sleep(backOff.nextBackOff());
				}
				catch (InterruptedException interrupted) {
					break;
				}
			}
		}
		ListenerConnection connection = this.connection;
		if (connection != null) {
			connection.close();
		}
	}

	private void wakeAll() {
		this.workers.values().forEach((channel) -> channel.forEach(SubscriptionWorker::wakeUp));
	}

	/**
	 * Stop: close the connection, failing a read in progress, and join the thread.
	 * @param timeout the longest wait for the thread
	 * @throws InterruptedException if interrupted while waiting
	 */
	void stop(Duration timeout) throws InterruptedException {
		this.stopping = true;
		ListenerConnection connection = this.connection;
		if (connection != null) {
			connection.abort();
		}
		Thread thread = this.thread;
		if (thread != null) {
			thread.interrupt();
			thread.join(Math.max(1, timeout.toMillis()));
		}
	}

}
