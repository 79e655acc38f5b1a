package io.pigeon.internal.listener.notify;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.pigeon.internal.listener.ExecutorWorker;
import io.pigeon.internal.listener.IncomingNotification;
import io.pigeon.internal.listener.ListenerFailureHandler;
import io.pigeon.internal.listener.ListenerMetrics.ChannelMetrics;
import io.pigeon.internal.listener.MethodListenerAdapter;
import io.pigeon.internal.listener.notify.DroppedNotificationsReporter.ChannelDrops;
import org.jspecify.annotations.Nullable;

/**
 * Delivers one channel's notifications to the channel's listener methods, in the order they were
 * received, on a thread of its own: a slow or failing listener holds back its own channel only,
 * and never the reading thread. The buffer between the two is bounded by
 * {@code pigeon.listener.queue-capacity}; a notification that finds it full is dropped and
 * counted.
 *
 * @since 0.1.0
 */
final class ChannelDispatcher {

	/**
	 * Marks the end of the notifications to deliver; compared by identity.
	 */
	@SuppressWarnings("StringOperationCanBeSimplified")
	private static final String END = new String("end of dispatch");

	private final String channel;

	private final List<MethodListenerAdapter> listeners;

	private final LinkedBlockingQueue<String> queue;

	private final NotificationParser parser;

	private final ChannelMetrics metrics;

	private final ChannelDrops drops;

	private final ListenerFailureHandler failureHandler;

	private final ExecutorWorker thread;

	private volatile boolean stopping;

	private volatile boolean abandoned;

	ChannelDispatcher(String channel, List<MethodListenerAdapter> listeners, int queueCapacity,
			NotificationParser parser, ChannelMetrics metrics, ChannelDrops drops,
			ListenerFailureHandler failureHandler) {
		this.channel = channel;
		this.listeners = List.copyOf(listeners);
		this.queue = new LinkedBlockingQueue<>(queueCapacity);
		this.parser = parser;
		this.metrics = metrics;
		this.drops = drops;
		this.failureHandler = failureHandler;
		this.thread = new ExecutorWorker("pigeon-channel-" + channel);
	}

	String getChannel() {
		return this.channel;
	}

	void start(Executor executor) {
		this.thread.start(executor, this::dispatch);
	}

	/**
	 * Accept a notification from the reading thread; never blocks.
	 * @param payload the payload as received
	 */
	void offer(String payload) {
		this.metrics.received();
		if (!this.queue.offer(payload)) {
			this.metrics.dropped();
			this.drops.dropped();
		}
	}

	/**
	 * Return the number of notifications waiting for delivery.
	 * @return the buffer's size
	 */
	int getPending() {
		return this.queue.size();
	}

	/**
	 * Deliver what is buffered, then end, waiting no longer than the deadline. Called once the
	 * reading thread has stopped.
	 * @param deadlineNanos the {@link System#nanoTime()} by which to give up
	 * @return {@code true} if every buffered notification was delivered in time
	 * @throws InterruptedException if interrupted while waiting
	 */
	boolean stop(long deadlineNanos) throws InterruptedException {
		this.stopping = true;
		// When the buffer is full the dispatching thread sees the flag once it has emptied it.
		this.queue.offer(END);
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
		int discarded = (int) this.queue.stream().filter((payload) -> payload != END).count();
		this.queue.clear();
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
		while (!this.abandoned) {
			String payload;
			try {
				payload = this.queue.take();
			}
			catch (InterruptedException ex) {
				// Abandoned at shutdown, or an interrupt a listener left behind: the loop decides.
				continue;
			}
			if (payload == END) {
				return;
			}
			try {
				deliver(payload);
			}
			catch (RuntimeException ex) {
				// A fault of Pigeon's own must not end the channel's delivery either.
				this.failureHandler.deliveryFailed(this.channel, payload, ex);
			}
			if (this.stopping && this.queue.isEmpty()) {
				return;
			}
		}
	}

	private void deliver(String payload) {
		IncomingNotification notification;
		try {
			notification = this.parser.parse(this.channel, payload);
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
			invoke(listener, notification);
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
		try {
			listener.invoke(notification);
			success = true;
		}
		catch (Throwable ex) {
			// Whatever a listener throws, later notifications and other listeners carry on.
			this.failureHandler.listenerFailed(this.channel, listener.getDescription(), notification.payload(), ex);
		}
		finally {
			this.metrics.invoked(success, System.nanoTime() - start);
		}
	}

}
