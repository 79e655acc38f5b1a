package io.pigeon.internal.listener.notify;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.pigeon.internal.listener.ExecutorWorker;
import io.pigeon.internal.listener.IncomingNotification;
import io.pigeon.internal.listener.ListenerFailureHandler;
import io.pigeon.internal.listener.ListenerInvocationObserver;
import io.pigeon.internal.listener.ListenerMetrics.ChannelMetrics;
import io.pigeon.internal.listener.MethodListenerAdapter;
import io.pigeon.internal.listener.NotificationParser;
import io.pigeon.internal.listener.RejectedNotificationException;
import io.pigeon.internal.listener.StatementRowsAssembler;
import io.pigeon.internal.listener.notify.DroppedNotificationsReporter.ChannelDrops;
import org.jspecify.annotations.Nullable;

/**
 * Delivers one channel's notifications to the channel's listener methods, in the order they were
 * received, on a thread of its own: a slow or failing listener holds back its own channel only,
 * and never the reading thread. The buffer between the two is bounded by
 * {@code pigeon.listener.queue-capacity}, counted in notifications; a notification that finds it
 * full is dropped and counted.
 * <p>
 * The reading thread hands over everything one read returned for the channel at once, and the
 * dispatching thread takes everything buffered at once: under load a wake-up and a lock are paid
 * per batch, not per notification. Each notification is parsed once, binding its rows to the
 * types the channel's methods take (see {@link NotificationParser#rowTypes}). Whether each method
 * receives it, is held for it or is left is decided by {@link ListenerGates}.
 *
 * @since 0.1.0
 */
final class ChannelDispatcher {

	private final String channel;

	private final List<MethodListenerAdapter> listeners;

	private final NotificationParser.RowTypes rowTypes;

	private final Buffer buffer;

	private final NotificationParser parser;

	private final ChannelMetrics metrics;

	private final ChannelDrops drops;

	private final NotificationRejections rejections;

	private final ListenerFailureHandler failureHandler;

	private final @Nullable ListenerInvocationObserver observer;

	private final ExecutorWorker thread;

	private final ListenerGates gates;

	private final StatementRowsAssembler assembler;

	// One instance for the thread's life: a method reference per delivery would allocate each time.
	private final ListenerGates.Invoker invoker = this::invoke;

	private volatile boolean abandoned;

	ChannelDispatcher(String channel, List<MethodListenerAdapter> listeners, int queueCapacity,
			NotificationParser parser, ChannelMetrics metrics, ChannelDrops drops,
			ListenerFailureHandler failureHandler, @Nullable ListenerInvocationObserver observer) {
		this.channel = channel;
		this.listeners = List.copyOf(listeners);
		this.rowTypes = parser.rowTypes(this.listeners);
		this.buffer = new Buffer(queueCapacity);
		this.parser = parser;
		this.metrics = metrics;
		this.drops = drops;
		this.rejections = new NotificationRejections(channel, metrics);
		this.assembler = new StatementRowsAssembler(parser.jsonMapper(), this.rejections::rejected);
		this.failureHandler = failureHandler;
		this.observer = observer;
		this.thread = new ExecutorWorker("pigeon-channel-" + channel);
		this.gates = new ListenerGates(channel, this.listeners, queueCapacity, metrics, drops, failureHandler,
				() -> this.abandoned);
	}

	String getChannel() {
		return this.channel;
	}

	void start(Executor executor) {
		this.gates.subscribe(this.buffer::wake);
		this.thread.start(executor, this::dispatch);
	}

	/**
	 * Accept a notification from the reading thread; never blocks.
	 * @param payload the payload as received
	 */
	void offer(String payload) {
		offer(List.of(payload));
	}

	/**
	 * Accept notifications from the reading thread, in the order received; never blocks. Those
	 * that do not fit in the buffer are dropped and counted, one by one.
	 * @param payloads the payloads as received
	 */
	void offer(List<String> payloads) {
		for (int i = 0; i < payloads.size(); i++) {
			this.metrics.received();
		}
		int dropped = this.buffer.add(payloads);
		for (int i = 0; i < dropped; i++) {
			this.metrics.dropped();
			this.drops.dropped();
		}
	}

	/**
	 * Return the number of notifications waiting for delivery.
	 * @return the buffer's size
	 */
	int getPending() {
		return this.buffer.size();
	}

	/**
	 * Deliver what is buffered, then end, waiting no longer than the deadline. Called once the
	 * reading thread has stopped.
	 * @param deadlineNanos the {@link System#nanoTime()} by which to give up
	 * @return {@code true} if every buffered notification was delivered in time
	 * @throws InterruptedException if interrupted while waiting
	 */
	boolean stop(long deadlineNanos) throws InterruptedException {
		this.buffer.close();
		long remaining = deadlineNanos - System.nanoTime();
		if (remaining > 0) {
			this.thread.join(remaining);
		}
		return !this.thread.isAlive();
	}

	/**
	 * Give up on the notifications still buffered and interrupt the listener call in progress.
	 * @return the number of notifications discarded
	 */
	int abandon() {
		this.abandoned = true;
		int discarded = this.buffer.clear();
		this.thread.interrupt();
		return discarded;
	}

	/**
	 * Wait for the dispatching thread to end after {@link #abandon()}.
	 * @param millis the longest wait
	 * @return the thread if it is still alive, otherwise {@code null}
	 * @throws InterruptedException if interrupted while waiting
	 */
	@Nullable Thread awaitEnd(long millis) throws InterruptedException {
		this.thread.join(TimeUnit.MILLISECONDS.toNanos(Math.max(1, millis)));
		return this.thread.isAlive() ? this.thread.getThread() : null;
	}

	private void dispatch() {
		try {
			dispatchUntilClosed();
		}
		finally {
			this.assembler.interrupt();
			this.gates.close();
		}
	}

	private void dispatchUntilClosed() {
		ArrayDeque<String> batch = new ArrayDeque<>();
		while (!this.abandoned) {
			ArrayDeque<String> taken;
			try {
				taken = this.buffer.takeAll(batch);
			}
			catch (InterruptedException ex) {
				// Abandoned at shutdown, or an interrupt a listener left behind: the loop decides.
				continue;
			}
			if (taken == null) {
				return;
			}
			batch = taken;
			this.gates.release(this.invoker);
			String payload;
			while (!this.abandoned && (payload = batch.poll()) != null) {
				this.buffer.started();
				deliverSafely(payload);
			}
			batch.clear();
		}
	}

	private void deliverSafely(String payload) {
		try {
			deliver(payload);
		}
		catch (RuntimeException ex) {
			// A fault of Pigeon's own must not end the channel's delivery either.
			this.failureHandler.deliveryFailed(this.channel, payload, ex);
		}
	}

	private void deliver(String payload) {
		IncomingNotification notification;
		try {
			// a part's rows are bound once, in the whole payload, not part by part
			boolean mayBePart = StatementRowsAssembler.mayBePart(payload);
			notification = this.parser.parse(this.channel, payload,
					mayBePart ? NotificationParser.RowTypes.NONE : this.rowTypes);
			if (notification.isPart()) {
				String whole = this.assembler.add(notification);
				if (whole == null) {
					return;
				}
				notification = this.parser.parse(this.channel, whole, this.rowTypes);
			}
			else {
				this.assembler.interrupt();
				if (mayBePart) {
					notification = this.parser.parse(this.channel, payload, this.rowTypes);
				}
			}
		}
		catch (RejectedNotificationException ex) {
			this.rejections.rejected(ex, payload);
			return;
		}
		catch (RuntimeException ex) {
			this.failureHandler.deliveryFailed(this.channel, payload, ex);
			return;
		}
		recordLag(notification);
		for (MethodListenerAdapter listener : this.listeners) {
			if (!listener.accepts(notification)) {
				continue;
			}
			// An interrupt left behind by an earlier listener is not meant for this one; one from
			// abandon() comes after its flag, so it is either seen here or reaches the call.
			Thread.interrupted();
			if (this.abandoned) {
				return;
			}
			this.gates.deliver(listener, notification, this.invoker);
		}
	}

	private void recordLag(IncomingNotification notification) {
		Long changedAtMicros = notification.timestamp();
		if (changedAtMicros != null && changedAtMicros > 0) {
			Instant now = Instant.now();
			this.metrics.lag(now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000 - changedAtMicros);
		}
	}

	private void invoke(MethodListenerAdapter listener, IncomingNotification notification) {
		long start = System.nanoTime();
		boolean success = false;
		boolean delivered = true;
		try {
			if (this.observer != null) {
				this.observer.invoke(this.channel, listener, notification);
			}
			else {
				listener.invoke(notification);
			}
			success = true;
		}
		catch (RejectedNotificationException ex) {
			// Not delivered, so not a call either.
			this.rejections.rejected(ex, notification.payload());
			delivered = false;
		}
		catch (Throwable ex) {
			// Whatever a listener throws, later notifications and other listeners carry on.
			this.failureHandler.listenerFailed(this.channel, listener.getDescription(), notification.payload(), ex,
					listener.getErrorHandler());
		}
		finally {
			if (delivered) {
				this.metrics.invoked(success, System.nanoTime() - start);
			}
		}
	}

	/**
	 * The notifications received and not yet delivered: those waiting, and those the dispatching
	 * thread has taken but not yet started to deliver. Both count against the capacity, so that
	 * taking everything at once does not let the reading thread buffer more than it allows.
	 */
	private static final class Buffer {

		private final ReentrantLock lock = new ReentrantLock();

		private final Condition notEmpty = this.lock.newCondition();

		private final int capacity;

		/**
		 * Written by the dispatching thread only; read under the lock by the others.
		 */
		private final AtomicInteger taken = new AtomicInteger();

		private ArrayDeque<String> waiting = new ArrayDeque<>();

		private boolean consumerWaiting;

		private boolean woken;

		private boolean closed;

		Buffer(int capacity) {
			this.capacity = capacity;
		}

		/**
		 * Add what fits, in order.
		 * @param payloads the payloads to add
		 * @return how many did not fit
		 */
		int add(List<String> payloads) {
			this.lock.lock();
			try {
				int free = Math.max(0, this.capacity - this.waiting.size() - this.taken.get());
				int accepted = Math.min(free, payloads.size());
				for (int i = 0; i < accepted; i++) {
					this.waiting.add(payloads.get(i));
				}
				if (accepted > 0 && this.consumerWaiting) {
					this.notEmpty.signal();
				}
				return payloads.size() - accepted;
			}
			finally {
				this.lock.unlock();
			}
		}

		/**
		 * Wait for notifications and take all of them, handing back an empty deque in exchange.
		 * @param empty an empty deque to buffer into from now on
		 * @return everything that was waiting, or {@code null} once closed with nothing left
		 * @throws InterruptedException if interrupted while waiting
		 */
		@Nullable ArrayDeque<String> takeAll(ArrayDeque<String> empty) throws InterruptedException {
			this.lock.lock();
			try {
				while (this.waiting.isEmpty() && !this.woken) {
					if (this.closed) {
						return null;
					}
					this.consumerWaiting = true;
					try {
						this.notEmpty.await();
					}
					finally {
						this.consumerWaiting = false;
					}
				}
				this.woken = false;
				ArrayDeque<String> all = this.waiting;
				this.waiting = empty;
				this.taken.set(all.size());
				return all;
			}
			finally {
				this.lock.unlock();
			}
		}

		/**
		 * Record, on the dispatching thread, that delivery of one taken notification starts.
		 */
		void started() {
			// The only writer: an ordered store is enough, and cheaper than a locked decrement.
			this.taken.lazySet(this.taken.get() - 1);
		}

		int size() {
			this.lock.lock();
			try {
				return this.waiting.size() + this.taken.get();
			}
			finally {
				this.lock.unlock();
			}
		}

		/**
		 * Have the dispatching thread return from {@link #takeAll}, even with nothing waiting, so
		 * that it acts on a listener's change of state.
		 */
		void wake() {
			this.lock.lock();
			try {
				this.woken = true;
				this.notEmpty.signal();
			}
			finally {
				this.lock.unlock();
			}
		}

		/**
		 * End dispatch once everything waiting is delivered.
		 */
		void close() {
			this.lock.lock();
			try {
				this.closed = true;
				this.notEmpty.signal();
			}
			finally {
				this.lock.unlock();
			}
		}

		/**
		 * Discard everything not yet delivered.
		 * @return how many notifications were discarded
		 */
		int clear() {
			this.lock.lock();
			try {
				int discarded = this.waiting.size() + this.taken.get();
				this.waiting.clear();
				return discarded;
			}
			finally {
				this.lock.unlock();
			}
		}

	}

}
