package io.pigeon.benchmark;

import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Records what a listener received: how many changes, when the last one arrived, whether each
 * writer's changes arrived in order, and the latency from the row's creation to the listener.
 */
final class LatencyRecorder {

	private final long[] latenciesUs;

	private final AtomicInteger recorded = new AtomicInteger();

	private final AtomicLong received = new AtomicLong();

	private final AtomicLongArray lastSeqPerWriter;

	private final AtomicLong outOfOrder = new AtomicLong();

	private volatile long lastReceivedNanos;

	LatencyRecorder(int capacity, int writers) {
		this.latenciesUs = new long[capacity];
		this.lastSeqPerWriter = new AtomicLongArray(writers);
		for (int i = 0; i < writers; i++) {
			this.lastSeqPerWriter.set(i, -1);
		}
	}

	void record(BenchRow row) {
		long nowUs = nowMicros();
		int index = this.recorded.getAndIncrement();
		if (index < this.latenciesUs.length) {
			this.latenciesUs[index] = nowUs - row.createdUs();
		}
		long previous = this.lastSeqPerWriter.getAndSet(row.writer(), row.wseq());
		if (row.wseq() <= previous) {
			this.outOfOrder.incrementAndGet();
		}
		this.lastReceivedNanos = System.nanoTime();
		this.received.incrementAndGet();
	}

	static long nowMicros() {
		Instant now = Instant.now();
		return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000L;
	}

	long received() {
		return this.received.get();
	}

	long lastReceivedNanos() {
		return this.lastReceivedNanos;
	}

	long outOfOrder() {
		return this.outOfOrder.get();
	}

	/**
	 * Return a percentile of the recorded latencies, in milliseconds.
	 * @param percentile between 0 and 100
	 * @return the latency in milliseconds
	 */
	double percentileMillis(double percentile) {
		int count = Math.min(this.recorded.get(), this.latenciesUs.length);
		if (count == 0) {
			return Double.NaN;
		}
		long[] sorted = Arrays.copyOf(this.latenciesUs, count);
		Arrays.sort(sorted);
		int index = (int) Math.min(count - 1, Math.ceil(percentile / 100.0 * count) - 1);
		return sorted[Math.max(0, index)] / 1000.0;
	}

}
