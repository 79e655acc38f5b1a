package io.pigeon;

import java.time.Instant;

import org.springframework.context.ApplicationEvent;

/**
 * Published when the listener connection is back after an outage and listens on every channel
 * again. Notifications sent during the outage were not received: an application that must not
 * miss a change resynchronises from the table for the period between {@link #getOutageStart()}
 * and {@link #getOutageEnd()}.
 *
 * @since 0.1.0
 */
public class PigeonListenerReconnectedEvent extends ApplicationEvent {

	private final Instant outageStart;

	private final Instant outageEnd;

	/**
	 * Create a new event.
	 * @param source the listener container that reconnected
	 * @param outageStart when the connection was found lost
	 * @param outageEnd when listening resumed
	 */
	public PigeonListenerReconnectedEvent(Object source, Instant outageStart, Instant outageEnd) {
		super(source);
		this.outageStart = outageStart;
		this.outageEnd = outageEnd;
	}

	/**
	 * Return when the connection was found lost.
	 * @return the start of the outage
	 */
	public Instant getOutageStart() {
		return this.outageStart;
	}

	/**
	 * Return when listening resumed on every channel.
	 * @return the end of the outage
	 */
	public Instant getOutageEnd() {
		return this.outageEnd;
	}

}
