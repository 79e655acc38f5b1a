package io.pigeon.autoconfigure;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pigeon.internal.listener.durable.DurableMetrics;

/**
 * Records durable delivery's measurements with Micrometer, each tagged {@code subscription} and
 * {@code channel}: the counters {@code pigeon.durable.events.processed} (events a listener call
 * returned for), {@code pigeon.durable.retries} (failed calls that are retried) and
 * {@code pigeon.durable.dead.letters} (events moved to the dead letters), and the timer
 * {@code pigeon.durable.processing} (every listener call, whatever its outcome); for a
 * subscription split into lanes, the gauge {@code pigeon.durable.lanes.held} (how many of its
 * lanes this instance holds).
 *
 * @since 0.2.0
 */
public class MicrometerDurableMetrics implements DurableMetrics {

	private final MeterRegistry registry;

	private final Map<String, IntSupplier> lanesHeld = new ConcurrentHashMap<>();

	/**
	 * Create a new instance recording to the given registry.
	 * @param registry the meter registry
	 */
	public MicrometerDurableMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void processed(String subscription, String channel, int events) {
		counter("pigeon.durable.events.processed", "Events of the change log processed by a listener", subscription,
				channel)
			.increment(events);
	}

	@Override
	public void processing(String subscription, String channel, long nanos) {
		Timer.builder("pigeon.durable.processing")
			.description("Duration of durable listener calls")
			.tag("subscription", subscription)
			.tag("channel", channel)
			.register(this.registry)
			.record(nanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void retried(String subscription, String channel) {
		counter("pigeon.durable.retries", "Failed durable listener calls that are retried", subscription, channel)
			.increment();
	}

	@Override
	public void deadLettered(String subscription, String channel) {
		counter("pigeon.durable.dead.letters", "Events moved to the dead letters", subscription, channel).increment();
	}

	@Override
	public void lanes(String subscription, String channel, IntSupplier held) {
		// a restarted container hands a new supplier to the gauge already registered
		String key = subscription + "\u0000" + channel;
		this.lanesHeld.put(key, held);
		Gauge.builder("pigeon.durable.lanes.held", this.lanesHeld, (suppliers) -> suppliers.get(key).getAsInt())
			.description("Lanes of a durable subscription this instance holds")
			.tag("subscription", subscription)
			.tag("channel", channel)
			.strongReference(true)
			.register(this.registry);
	}

	private Counter counter(String name, String description, String subscription, String channel) {
		return Counter.builder(name)
			.description(description)
			.tag("subscription", subscription)
			.tag("channel", channel)
			.register(this.registry);
	}

}
