package io.pigeon.internal.listener;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The run-time state of one listener, started or stopped and paused or not, set through the
 * {@link PigeonListenerEndpointRegistry} and read by the delivering threads before each delivery
 * without a lock. A listener whose {@code autoStartup} is set is started from its creation, so that
 * a container given the endpoint delivers to it; the registry stops every listener when it stops
 * and starts those with {@code autoStartup} again when it starts. The two states are independent, as in spring-kafka: a listener paused while stopped
 * starts paused. Whoever holds changes for the listener subscribes to be told of every change of
 * state, so that held changes are released or discarded on the thread that holds them.
 *
 * @since 0.1.0
 */
public final class ListenerControl {

	private final List<Runnable> subscribers = new CopyOnWriteArrayList<>();

	private volatile boolean running;

	private volatile boolean paused;

	/**
	 * Create the state of a listener, not paused.
	 * @param running whether it starts started: its {@code autoStartup}
	 */
	public ListenerControl(boolean running) {
		this.running = running;
	}

	/**
	 * Return whether the listener is started.
	 * @return {@code true} while started, paused or not
	 */
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Return whether the listener is paused.
	 * @return {@code true} while paused, started or not
	 */
	public boolean isPaused() {
		return this.paused;
	}

	synchronized void setRunning(boolean running) {
		if (this.running != running) {
			this.running = running;
			changed();
		}
	}

	synchronized void setPaused(boolean paused) {
		if (this.paused != paused) {
			this.paused = paused;
			changed();
		}
	}

	private void changed() {
		this.subscribers.forEach(Runnable::run);
	}

	/**
	 * Be told of every change of state, on the thread that makes it, until unsubscribed.
	 * @param subscriber what to run; it must return at once
	 * @return what unsubscribes it
	 */
	public Runnable subscribe(Runnable subscriber) {
		this.subscribers.add(subscriber);
		return () -> this.subscribers.remove(subscriber);
	}

}
