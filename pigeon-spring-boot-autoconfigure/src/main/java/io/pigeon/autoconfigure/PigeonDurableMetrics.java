package io.pigeon.autoconfigure;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pigeon.PigeonSubscriptions.Subscription;
import io.pigeon.internal.durable.operations.DurableStatus;

/**
 * Durable delivery's gauges, read from the {@link DurableStatus} sampled on Pigeon's scheduler
 * (a scrape never queries the database): {@code pigeon.durable.log.size} (bytes of the log's
 * tables and indexes), {@code pigeon.durable.subscriptions.stale}, and per subscription (tags
 * {@code subscription}, {@code channel}) {@code pigeon.durable.backlog} (committed events not
 * yet processed) and {@code pigeon.durable.lag} (seconds: the age of the oldest of them). A
 * subscription's gauges appear with the first sample that lists it; they read {@code NaN} once
 * it is gone or while nothing was sampled.
 *
 * @since 0.1.0
 */
public class PigeonDurableMetrics {

	private final MeterRegistry registry;

	private final DurableStatus status;

	private final Set<Key> registered = ConcurrentHashMap.newKeySet();

	/**
	 * Register the gauges.
	 * @param registry the meter registry
	 * @param status the sampled status
	 */
	public PigeonDurableMetrics(MeterRegistry registry, DurableStatus status) {
		this.registry = registry;
		this.status = status;
		Gauge.builder("pigeon.durable.log.size", status, sampled((sample) -> sample.logSize()))
			.description("Bytes taken by the durable log's tables and indexes")
			.baseUnit("bytes")
			.register(registry);
		Gauge.builder("pigeon.durable.subscriptions.stale", status, sampled(DurableStatus.Sample::staleSubscriptions))
			.description("Durable subscriptions not held for longer than pigeon.durable.subscription-expiry")
			.register(registry);
		status.addListener(this::register);
		DurableStatus.Sample sample = status.get();
		if (sample != null) {
			register(sample);
		}
	}

	private static ToDoubleFunction<DurableStatus> sampled(ToDoubleFunction<DurableStatus.Sample> value) {
		return (status) -> {
			DurableStatus.Sample sample = status.get();
			return (sample != null) ? value.applyAsDouble(sample) : Double.NaN;
		};
	}

	private void register(DurableStatus.Sample sample) {
		for (Subscription subscription : sample.subscriptions()) {
			Key key = new Key(subscription.id(), subscription.channel());
			if (this.registered.add(key)) {
				Gauge.builder("pigeon.durable.backlog", this.status, sampled((current) -> backlog(current, key)))
					.description("Committed events the durable subscription has not processed yet")
					.tag("subscription", key.subscription())
					.tag("channel", key.channel())
					.register(this.registry);
				Gauge.builder("pigeon.durable.lag", this.status, sampled((current) -> lagSeconds(current, key)))
					.description("Age of the oldest event the durable subscription has not processed yet")
					.baseUnit("seconds")
					.tag("subscription", key.subscription())
					.tag("channel", key.channel())
					.register(this.registry);
			}
		}
	}

	private static double backlog(DurableStatus.Sample sample, Key key) {
		double backlog = Double.NaN;
		for (Subscription subscription : sample.subscriptions()) {
			if (key.matches(subscription)) {
				backlog = (Double.isNaN(backlog) ? 0 : backlog) + subscription.backlog();
			}
		}
		return backlog;
	}

	private static double lagSeconds(DurableStatus.Sample sample, Key key) {
		double lag = Double.NaN;
		for (Subscription subscription : sample.subscriptions()) {
			if (key.matches(subscription)) {
				double seconds = subscription.lag().toNanos() / 1e9;
				lag = Double.isNaN(lag) ? seconds : Math.max(lag, seconds);
			}
		}
		return lag;
	}

	private record Key(String subscription, String channel) {

		boolean matches(Subscription candidate) {
			return candidate.id().equals(this.subscription) && candidate.channel().equals(this.channel);
		}

	}

}
