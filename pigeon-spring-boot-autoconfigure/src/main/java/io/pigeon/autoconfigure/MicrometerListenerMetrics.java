package io.pigeon.autoconfigure;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pigeon.internal.listener.ListenerMetrics;
import io.pigeon.internal.listener.RejectionReason;
import io.pigeon.internal.listener.notify.NotificationQueueUsage;
import org.jspecify.annotations.Nullable;

/**
 * Records the listener's measurements with Micrometer: {@code pigeon.notifications.received} and
 * {@code pigeon.notifications.dropped} (tag {@code channel}), {@code pigeon.listener.invocations}
 * (tags {@code channel}, {@code outcome}), the timers {@code pigeon.listener.duration} (tag
 * {@code channel}) and {@code pigeon.listener.lag} (tag {@code channel}, from the change to its
 * dispatch), {@code pigeon.notifications.rejected} (tags {@code channel}, {@code reason}) and
 * {@code pigeon.listener.reconnects}; and, when given what they read, the gauges
 * {@code pigeon.notifications.pending} (tag {@code channel}: notifications received and not yet
 * delivered) and {@code pigeon.notification.queue.usage} (the cluster's
 * {@code pg_notification_queue_usage()}, from 0 to 1).
 *
 * @since 0.1.0
 */
public class MicrometerListenerMetrics implements ListenerMetrics {

	private final MeterRegistry registry;

	private final Counter reconnects;

	// Held here because a gauge references what it reads only weakly.
	private final @Nullable ToIntFunction<String> pending;

	private final @Nullable NotificationQueueUsage queueUsage;

	/**
	 * Create a new instance recording to the given registry, without gauges.
	 * @param registry the meter registry
	 */
	public MicrometerListenerMetrics(MeterRegistry registry) {
		this(registry, null, null);
	}

	/**
	 * Create a new instance recording to the given registry.
	 * @param registry the meter registry
	 * @param pending the number of notifications waiting on a channel, read by the
	 * {@code pigeon.notifications.pending} gauge of each channel, or {@code null} for none
	 * @param queueUsage read by the {@code pigeon.notification.queue.usage} gauge, or
	 * {@code null} for none
	 */
	public MicrometerListenerMetrics(MeterRegistry registry, @Nullable ToIntFunction<String> pending,
			@Nullable NotificationQueueUsage queueUsage) {
		this.registry = registry;
		this.reconnects = Counter.builder("pigeon.listener.reconnects")
			.description("Times the listener connection was re-established after an outage")
			.register(registry);
		this.pending = pending;
		this.queueUsage = queueUsage;
		if (queueUsage != null) {
			Gauge.builder("pigeon.notification.queue.usage", queueUsage, NotificationQueueUsage::get)
				.description("Fraction of the cluster's notification queue in use (pg_notification_queue_usage()); "
						+ "at 1 every transaction that notifies fails to commit")
				.register(registry);
		}
	}

	@Override
	public ChannelMetrics channel(String channel) {
		ToIntFunction<String> pending = this.pending;
		if (pending != null) {
			// Registered again when the listener restarts: the existing gauge is kept, and it asks
			// whichever container runs now.
			Gauge.builder("pigeon.notifications.pending", pending, (waiting) -> waiting.applyAsInt(channel))
				.description("Notifications received and not yet delivered to the channel's listener methods")
				.tag("channel", channel)
				.register(this.registry);
		}
		return new MicrometerChannelMetrics(this.registry, channel);
	}

	@Override
	public void reconnected() {
		this.reconnects.increment();
	}

	private static final class MicrometerChannelMetrics implements ChannelMetrics {

		private final Counter received;

		private final Counter dropped;

		private final Counter successes;

		private final Counter failures;

		private final Timer duration;

		private final Timer lag;

		private final Map<RejectionReason, Counter> rejected = new EnumMap<>(RejectionReason.class);

		MicrometerChannelMetrics(MeterRegistry registry, String channel) {
			this.received = Counter.builder("pigeon.notifications.received")
				.description("Notifications read from the listener connection")
				.tag("channel", channel)
				.register(registry);
			this.dropped = Counter.builder("pigeon.notifications.dropped")
				.description("Notifications dropped because the channel's buffer was full")
				.tag("channel", channel)
				.register(registry);
			this.successes = invocations(registry, channel, "success");
			this.failures = invocations(registry, channel, "failure");
			this.duration = Timer.builder("pigeon.listener.duration")
				.description("Time spent in listener methods")
				.tag("channel", channel)
				.register(registry);
			this.lag = Timer.builder("pigeon.listener.lag")
				.description("Time from a change (the trigger's timestamp) to its dispatch to listener methods")
				.tag("channel", channel)
				.register(registry);
			for (RejectionReason reason : RejectionReason.values()) {
				this.rejected.put(reason, Counter.builder("pigeon.notifications.rejected")
					.description("Notifications not delivered because they are forged or not what a method binds")
					.tag("channel", channel)
					.tag("reason", reason.tag())
					.register(registry));
			}
		}

		private static Counter invocations(MeterRegistry registry, String channel, String outcome) {
			return Counter.builder("pigeon.listener.invocations")
				.description("Calls of listener methods")
				.tag("channel", channel)
				.tag("outcome", outcome)
				.register(registry);
		}

		@Override
		public void received() {
			this.received.increment();
		}

		@Override
		public void dropped() {
			this.dropped.increment();
		}

		@Override
		public void lag(long micros) {
			// A clock behind the database's makes the lag negative: it is then unknown.
			if (micros >= 0) {
				this.lag.record(micros, TimeUnit.MICROSECONDS);
			}
		}

		@Override
		public void invoked(boolean success, long nanos) {
			(success ? this.successes : this.failures).increment();
			this.duration.record(nanos, TimeUnit.NANOSECONDS);
		}

		@Override
		public void rejected(RejectionReason reason) {
			this.rejected.get(reason).increment();
		}

	}

}
