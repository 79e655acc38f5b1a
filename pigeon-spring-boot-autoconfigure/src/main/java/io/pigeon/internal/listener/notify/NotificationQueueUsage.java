package io.pigeon.internal.listener.notify;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The fraction of the cluster's notification queue in use, {@code pg_notification_queue_usage()}:
 * from 0 to 1, and at 1 every transaction that notifies fails to commit. It is read on a pooled
 * connection of the application's, never on the listener connection, at most once per sample
 * interval and only when asked: {@link #get()} returns the last value read at once, and starts a
 * new read in the background when that value is older than the interval, so that a scrape never
 * waits for the database.
 *
 * @since 0.1.0
 */
public final class NotificationQueueUsage {

	private static final Log logger = LogFactory.getLog(NotificationQueueUsage.class);

	static final String QUERY = "SELECT pg_notification_queue_usage()";

	private final JdbcTemplate jdbcTemplate;

	private final long intervalNanos;

	private final Executor executor;

	private final AtomicBoolean reading = new AtomicBoolean();

	private volatile double usage = Double.NaN;

	private volatile long readAt;

	private volatile boolean read;

	/**
	 * Create a sampler.
	 * @param dataSource the application's pool, to read the usage on
	 * @param interval the minimum time between two reads, also the longest a read may take
	 * @param executor runs each read
	 */
	public NotificationQueueUsage(DataSource dataSource, Duration interval, Executor executor) {
		this.jdbcTemplate = new JdbcTemplate(dataSource);
		// A read never outlasts the interval, so reads never pile up behind a slow database.
		this.jdbcTemplate.setQueryTimeout((int) Math.max(1, interval.toSeconds()));
		this.intervalNanos = interval.toNanos();
		this.executor = executor;
	}

	/**
	 * Return the usage last read, starting a new read when it is older than the interval.
	 * @return the fraction in use, from 0 to 1, or {@link Double#NaN} before the first read
	 * completes and after a read failed
	 */
	public double get() {
		if ((!this.read || System.nanoTime() - this.readAt >= this.intervalNanos)
				&& this.reading.compareAndSet(false, true)) {
			try {
				this.executor.execute(this::read);
			}
			catch (RejectedExecutionException ex) {
				this.reading.set(false);
			}
		}
		return this.usage;
	}

	private void read() {
		try {
			Double usage = this.jdbcTemplate.queryForObject(QUERY, Double.class);
			this.usage = (usage != null) ? usage : Double.NaN;
		}
		catch (DataAccessException ex) {
			// Unknown rather than stale: a gauge that keeps its last value would hide the outage.
			this.usage = Double.NaN;
			logger.debug("Pigeon could not read pg_notification_queue_usage()", ex);
		}
		finally {
			this.readAt = System.nanoTime();
			this.read = true;
			this.reading.set(false);
		}
	}

}
