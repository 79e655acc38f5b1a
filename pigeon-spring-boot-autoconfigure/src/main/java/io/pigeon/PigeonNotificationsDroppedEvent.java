package io.pigeon;

import org.springframework.context.ApplicationEvent;

/**
 * Published when notifications for a channel were dropped because its listeners could not keep
 * up and the channel's buffer ({@code pigeon.listener.queue-capacity}) was full. An application
 * that must not miss a change resynchronises from the table when it receives this event.
 *
 * @since 0.1.0
 */
public class PigeonNotificationsDroppedEvent extends ApplicationEvent {

	private final String channel;

	private final long count;

	/**
	 * Create a new event.
	 * @param source the component that dropped the notifications
	 * @param channel the channel whose notifications were dropped
	 * @param count how many were dropped since the last such event
	 */
	public PigeonNotificationsDroppedEvent(Object source, String channel, long count) {
		super(source);
		this.channel = channel;
		this.count = count;
	}

	/**
	 * Return the channel whose notifications were dropped.
	 * @return the channel
	 */
	public String getChannel() {
		return this.channel;
	}

	/**
	 * Return how many notifications were dropped since the last such event for the channel.
	 * @return the number dropped
	 */
	public long getCount() {
		return this.count;
	}

}
