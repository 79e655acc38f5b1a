package io.pigeon.internal.listener.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.pigeon.PigeonNotificationsDroppedEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.scheduling.TaskScheduler;

/**
 * Announces notifications dropped because a channel's buffer was full: one
 * {@link PigeonNotificationsDroppedEvent} per channel per second at most, carrying the count
 * since the previous one, and a warning per channel per minute at most. Both happen on the
 * container's {@link TaskScheduler} ({@code pigeon-listener-tasks} by default): the reading thread
 * only counts, it never runs application code or blocks.
 *
 * @since 0.1.0
 */
final class DroppedNotificationsReporter {

	private static final Log logger = LogFactory.getLog(DroppedNotificationsReporter.class);

	static final Duration REPORT_DELAY = Duration.ofSeconds(1);

	private static final long LOG_INTERVAL_NANOS = Duration.ofMinutes(1).toNanos();

	private final TaskScheduler tasks;

	private final ApplicationEventPublisher eventPublisher;

	private final Object eventSource;

	private final int queueCapacity;

	DroppedNotificationsReporter(TaskScheduler tasks, ApplicationEventPublisher eventPublisher,
			Object eventSource, int queueCapacity) {
		this.tasks = tasks;
		this.eventPublisher = eventPublisher;
		this.eventSource = eventSource;
		this.queueCapacity = queueCapacity;
	}

	/**
	 * Return the counter of one channel's drops.
	 * @param channel the channel
	 * @return its counter
	 */
	ChannelDrops forChannel(String channel) {
		return new ChannelDrops(channel);
	}

	/**
	 * Counts one channel's dropped notifications until they are reported.
	 */
	final class ChannelDrops {

		private final String channel;

		private final AtomicLong unreported = new AtomicLong();

		private final AtomicBoolean reportScheduled = new AtomicBoolean();

		private long unlogged;

		private long lastLogNanos = System.nanoTime() - LOG_INTERVAL_NANOS;

		private ChannelDrops(String channel) {
			this.channel = channel;
		}

		/**
		 * Count a dropped notification; called on the reading thread.
		 */
		void dropped() {
			this.unreported.incrementAndGet();
			if (this.reportScheduled.compareAndSet(false, true)) {
				try {
					DroppedNotificationsReporter.this.tasks.schedule(
							LoggedTasks.once("reporting dropped notifications on channel '" + this.channel + "'",
									this::report),
							Instant.now().plus(REPORT_DELAY));
				}
				catch (RejectedExecutionException ex) {
					// Shutting down: nobody is left to tell.
				}
			}
		}

		private void report() {
			this.reportScheduled.set(false);
			long count = this.unreported.getAndSet(0);
			if (count == 0) {
				return;
			}
			log(count);
			DroppedNotificationsReporter.this.eventPublisher.publishEvent(new PigeonNotificationsDroppedEvent(
					DroppedNotificationsReporter.this.eventSource, this.channel, count));
		}

		private void log(long count) {
			this.unlogged += count;
			long now = System.nanoTime();
			if (now - this.lastLogNanos >= LOG_INTERVAL_NANOS) {
				logger.warn("Pigeon dropped " + this.unlogged + " notification(s) on channel '" + this.channel
						+ "': its listeners cannot keep up and its buffer of "
						+ DroppedNotificationsReporter.this.queueCapacity
						+ " (pigeon.listener.queue-capacity) was full. Each drop is announced by a "
						+ "PigeonNotificationsDroppedEvent; this warning is repeated at most once a minute.");
				this.unlogged = 0;
				this.lastLogNanos = now;
			}
			else if (logger.isDebugEnabled()) {
				logger.debug("Pigeon dropped " + count + " more notification(s) on channel '" + this.channel + "'");
			}
		}

	}

}
