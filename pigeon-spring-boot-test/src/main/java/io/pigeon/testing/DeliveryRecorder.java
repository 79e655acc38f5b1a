package io.pigeon.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.pigeon.PigeonEvent;
import io.pigeon.internal.listener.DeliveryObserver;
import io.pigeon.internal.listener.IncomingNotification;
import io.pigeon.internal.payload.PayloadContract;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Records each notification the listener methods were called with, once per notification however
 * many listeners received it, and wakes the tests waiting for one. Told by Pigeon's
 * {@link DeliveryObserver} seam on the thread that called the listener, after the call.
 */
final class DeliveryRecorder implements DeliveryObserver {

	private final JsonMapper jsonMapper;

	private final JavaType rowType;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition recorded = this.lock.newCondition();

	private final List<Entry> entries = new ArrayList<>();

	// The listeners of one channel are called with the same notification instance, one after another.
	private final Map<IncomingNotification, Entry> byNotification = new IdentityHashMap<>();

	// Synthetic deliveries run on the test's thread, never on a channel's dispatching thread.
	private final ThreadLocal<Boolean> synthetic = ThreadLocal.withInitial(() -> false);

	DeliveryRecorder(JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
		this.rowType = jsonMapper.getTypeFactory().constructMapType(LinkedHashMap.class, String.class, Object.class);
	}

	@Override
	public void delivered(String listenerId, IncomingNotification notification, @Nullable Throwable failure) {
		this.lock.lock();
		try {
			Entry entry = this.byNotification.get(notification);
			if (entry == null) {
				entry = new Entry(notification.channel(), notification.payload(), event(notification),
						this.synthetic.get());
				this.byNotification.put(notification, entry);
				this.entries.add(entry);
			}
			if (failure != null) {
				entry.failures.put(listenerId, failure);
			}
			else {
				entry.listeners.add(listenerId);
			}
			this.recorded.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Run a synthetic delivery on this thread, recording what it delivers as synthetic.
	 * @param delivery the delivery
	 * @return the notification it delivered
	 */
	IncomingNotification synthetic(Supplier<IncomingNotification> delivery) {
		this.synthetic.set(true);
		try {
			return delivery.get();
		}
		finally {
			this.synthetic.remove();
		}
	}

	/**
	 * Return what was recorded for a notification.
	 * @param notification the notification
	 * @return the recorded change, or one received by no listener if none was called with it
	 */
	RecordedChange recordedFor(IncomingNotification notification, boolean synthetic) {
		this.lock.lock();
		try {
			Entry entry = this.byNotification.get(notification);
			return (entry != null) ? entry.snapshot()
					: new Entry(notification.channel(), notification.payload(), event(notification), synthetic)
						.snapshot();
		}
		finally {
			this.lock.unlock();
		}
	}

	List<RecordedChange> all() {
		this.lock.lock();
		try {
			return snapshots(0);
		}
		finally {
			this.lock.unlock();
		}
	}

	int size() {
		this.lock.lock();
		try {
			return this.entries.size();
		}
		finally {
			this.lock.unlock();
		}
	}

	void clear() {
		this.lock.lock();
		try {
			this.entries.clear();
			this.byNotification.clear();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Wait until the recorded changes from a position on satisfy a condition, or the time is up.
	 * @param from the position of the first change to look at
	 * @param timeout how long to wait
	 * @param done tested with the changes recorded from {@code from}, each time one is recorded
	 * @return the changes from {@code from} when {@code done} held, or {@code null} when the time
	 * was up first
	 * @throws InterruptedException if interrupted while waiting
	 */
	@Nullable List<RecordedChange> awaitUntil(int from, Duration timeout, Predicate<List<RecordedChange>> done)
			throws InterruptedException {
		long remaining = timeout.toNanos();
		this.lock.lock();
		try {
			while (true) {
				// clear() while waiting starts the count again.
				List<RecordedChange> changes = snapshots(Math.min(from, this.entries.size()));
				if (done.test(changes)) {
					return changes;
				}
				if (remaining <= 0) {
					return null;
				}
				remaining = this.recorded.awaitNanos(remaining);
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	private List<RecordedChange> snapshots(int from) {
		List<RecordedChange> snapshots = new ArrayList<>(this.entries.size() - from);
		for (int i = from; i < this.entries.size(); i++) {
			snapshots.add(this.entries.get(i).snapshot());
		}
		return snapshots;
	}

	private @Nullable PigeonEvent<Map<String, Object>> event(IncomingNotification notification) {
		if (notification.action() == null || notification.schema() == null || notification.table() == null) {
			return null;
		}
		JsonNode payload = this.jsonMapper.readTree(notification.payload());
		return PigeonEvent.<Map<String, Object>>builder(notification.channel(), notification.action(),
				notification.schema(), notification.table())
			.data(row(payload.get(PayloadContract.DATA)))
			.old(row(payload.get(PayloadContract.OLD)))
			.count(notification.count())
			.payload(notification.payload())
			.build();
	}

	private @Nullable Map<String, Object> row(@Nullable JsonNode row) {
		if (row == null || !row.isObject()) {
			return null;
		}
		try {
			return this.jsonMapper.treeToValue(row, this.rowType);
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	/**
	 * What has been recorded for one notification so far; changed under the recorder's lock.
	 */
	private static final class Entry {

		private final String channel;

		private final String payload;

		private final @Nullable PigeonEvent<Map<String, Object>> event;

		private final boolean synthetic;

		private final List<String> listeners = new ArrayList<>();

		private final Map<String, Throwable> failures = new LinkedHashMap<>();

		Entry(String channel, String payload, @Nullable PigeonEvent<Map<String, Object>> event, boolean synthetic) {
			this.channel = channel;
			this.payload = payload;
			this.event = event;
			this.synthetic = synthetic;
		}

		RecordedChange snapshot() {
			return new RecordedChange(this.channel, this.payload, this.event, this.listeners, this.failures,
					this.synthetic);
		}

	}

}
