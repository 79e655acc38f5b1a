package io.pigeon.internal.durable.operations;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import io.pigeon.PigeonSubscriptions;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The durable log's status, sampled by {@link #refresh()} every period on Pigeon's scheduler
 * and read from memory by metrics and health, so that neither a scrape nor a health check waits
 * for the database or adds load to it. Sampling starts once the status is first read (a
 * scrape, a health check), so an application that reads neither never queries for it.
 * <p>
 * Internal: not an API.
 */
public final class DurableStatus {

	private static final Log logger = LogFactory.getLog(DurableStatus.class);

	/** The longest time between two samples. */
	public static final Duration MAX_PERIOD = Duration.ofSeconds(5);

	private final JdbcPigeonSubscriptions subscriptions;

	private final Duration period;

	private volatile @Nullable Sample sample;

	private volatile boolean read;

	private final List<Consumer<Sample>> listeners = new CopyOnWriteArrayList<>();

	/**
	 * Create the status.
	 * @param subscriptions what to read the subscriptions from
	 * @param maintenanceInterval {@code pigeon.durable.maintenance-interval}: the period is this
	 * or {@link #MAX_PERIOD}, whichever is shorter
	 */
	public DurableStatus(JdbcPigeonSubscriptions subscriptions, Duration maintenanceInterval) {
		this.subscriptions = subscriptions;
		this.period = (maintenanceInterval.compareTo(MAX_PERIOD) < 0) ? maintenanceInterval : MAX_PERIOD;
	}

	/**
	 * Return how often the status is sampled.
	 * @return the period
	 */
	public Duration getPeriod() {
		return this.period;
	}

	/**
	 * Return the last sample.
	 * @return the sample, or {@code null} before the first one
	 */
	public @Nullable Sample get() {
		this.read = true;
		return this.sample;
	}

	/**
	 * {@link #refresh() Refresh} the status if it has ever been read.
	 */
	public void refreshIfRead() {
		if (this.read) {
			refresh();
		}
	}

	/**
	 * Add a listener told of every sample, on the sampling thread.
	 * @param listener the listener
	 */
	public void addListener(Consumer<Sample> listener) {
		this.listeners.add(listener);
	}

	/**
	 * Read the status from the database; a failure is kept as the sample's error, with the
	 * last subscriptions read.
	 */
	public void refresh() {
		Sample previous = this.sample;
		Sample next;
		try {
			boolean exists = this.subscriptions.logExists();
			List<PigeonSubscriptions.Subscription> list = exists ? this.subscriptions.subscriptions() : List.of();
			long size = exists ? this.subscriptions.logSize() : 0;
			next = new Sample(Instant.now(), exists, list, size, null);
			if (previous != null && previous.error() != null) {
				logger.info("Pigeon reads the durable log's status again");
			}
		}
		catch (RuntimeException ex) {
			if (previous == null || previous.error() == null) {
				logger.warn("Pigeon cannot read the durable log's status: " + ex);
			}
			next = new Sample(Instant.now(), previous != null && previous.logExists(),
					(previous != null) ? previous.subscriptions() : List.of(),
					(previous != null) ? previous.logSize() : 0, ex.toString());
		}
		this.sample = next;
		for (Consumer<Sample> listener : this.listeners) {
			try {
				listener.accept(next);
			}
			catch (RuntimeException ex) {
				logger.warn("Pigeon's durable status listener failed: " + ex, ex);
			}
		}
	}

	/**
	 * One sample.
	 *
	 * @param takenAt when it was taken
	 * @param logExists whether the log's tables exist
	 * @param subscriptions the subscriptions (as last read, when {@code error} is set)
	 * @param logSize the log's bytes
	 * @param error why the database could not be read, or {@code null}
	 */
	public record Sample(Instant takenAt, boolean logExists, List<PigeonSubscriptions.Subscription> subscriptions,
			long logSize, @Nullable String error) {

		/**
		 * Return the number of stale subscriptions.
		 * @return the count
		 */
		public long staleSubscriptions() {
			return this.subscriptions.stream().filter(PigeonSubscriptions.Subscription::stale).count();
		}

	}

}
