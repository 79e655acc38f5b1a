package io.pigeon.internal.listener;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The lifecycle every {@link ListenerContainer} shares, after spring-kafka's
 * {@code AbstractMessageListenerContainer}: final {@link #start()} and {@link #stop()} that run
 * once each, serialised with each other, over {@link #doStart()} and {@link #doStop(long)}. A
 * start that fails is cleaned up with {@link #doStop(long)} before its failure is rethrown; a stop
 * interrupted while it waits ends the container's threads at once with {@link #doAbandon()}.
 * Only {@code start} and {@code stop} take the lifecycle lock: the status and the queries never
 * wait for them, so health checks are answered during a long shutdown.
 *
 * @since 0.1.0
 */
public abstract class AbstractListenerContainer implements ListenerContainer {

	private final ReentrantLock lifecycleLock = new ReentrantLock();

	private final List<ListenerEndpoint> endpoints;

	private final Set<String> channels;

	private final Duration shutdownTimeout;

	private final ListenerStatus status = new ListenerStatus();

	private volatile boolean running;

	/**
	 * Create a container.
	 * @param endpoints the endpoints it delivers to
	 * @param shutdownTimeout how long {@link #stop()} lets deliveries in progress finish
	 */
	protected AbstractListenerContainer(List<ListenerEndpoint> endpoints, Duration shutdownTimeout) {
		this.endpoints = List.copyOf(endpoints);
		Set<String> channels = new TreeSet<>();
		for (ListenerEndpoint endpoint : this.endpoints) {
			channels.addAll(endpoint.channels());
		}
		this.channels = Collections.unmodifiableSet(channels);
		this.shutdownTimeout = shutdownTimeout;
	}

	/**
	 * Return the endpoints the container delivers to.
	 * @return the endpoints, in registration order
	 */
	protected final List<ListenerEndpoint> getEndpoints() {
		return this.endpoints;
	}

	@Override
	public final Set<String> getChannels() {
		return this.channels;
	}

	@Override
	public final ListenerStatus getStatus() {
		return this.status;
	}

	/**
	 * Return how long {@link #stop()} lets deliveries in progress finish.
	 * @return the shutdown time-out
	 */
	protected final Duration getShutdownTimeout() {
		return this.shutdownTimeout;
	}

	@Override
	public final boolean isRunning() {
		return this.running;
	}

	@Override
	public final void start() {
		this.lifecycleLock.lock();
		try {
			if (this.running) {
				return;
			}
			this.running = true;
			try {
				doStart();
			}
			catch (RuntimeException | Error ex) {
				stopRunning();
				throw ex;
			}
		}
		finally {
			this.lifecycleLock.unlock();
		}
	}

	@Override
	public final void stop() {
		this.lifecycleLock.lock();
		try {
			if (this.running) {
				stopRunning();
			}
		}
		finally {
			this.lifecycleLock.unlock();
		}
	}

	private void stopRunning() {
		this.running = false;
		long deadline = System.nanoTime() + this.shutdownTimeout.toNanos();
		try {
			doStop(deadline);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			doAbandon();
		}
	}

	/**
	 * Start receiving and delivering, returning once every change committed from now on is
	 * received.
	 */
	protected abstract void doStart();

	/**
	 * Stop receiving, deliver what has been received, and end every thread of the container,
	 * waiting no longer than the deadline for deliveries in progress.
	 * @param deadlineNanos the {@link System#nanoTime()} by which to give up waiting
	 * @throws InterruptedException if interrupted while waiting
	 */
	protected abstract void doStop(long deadlineNanos) throws InterruptedException;

	/**
	 * End every thread of the container without waiting, after {@link #doStop(long)} was
	 * interrupted.
	 */
	protected abstract void doAbandon();

}
