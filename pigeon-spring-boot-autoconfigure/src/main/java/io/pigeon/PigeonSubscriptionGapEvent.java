package io.pigeon;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEvent;

/**
 * Published when a durable subscription is taken up again and events it had not processed were
 * removed from the log while no instance held it (it was stale longer than
 * {@code pigeon.durable.subscription-expiry}, so the log's maintenance stopped keeping events for
 * it). The subscription continues with the events still in the log; an application that must
 * not miss a change resynchronises the range from its tables when it receives this event.
 *
 * @since 0.2.0
 */
public class PigeonSubscriptionGapEvent extends ApplicationEvent {

	private static final long serialVersionUID = 1L;

	private final String subscription;

	private final String channel;

	private final long events;

	private final @Nullable Long firstEventId;

	private final @Nullable Long lastEventId;

	private final @Nullable Instant firstEventTime;

	private final @Nullable Instant lastEventTime;

	/**
	 * Create a new event.
	 * @param source the component that found the gap
	 * @param subscription the subscription's id
	 * @param channel the subscription's channel
	 * @param events how many events of the channel were removed unprocessed
	 * @param firstEventId the smallest id among them, or {@code null} when unknown
	 * @param lastEventId the largest id among them, or {@code null} when unknown
	 * @param firstEventTime when the oldest of them was written, or {@code null} when unknown
	 * @param lastEventTime when the newest of them was written, or {@code null} when unknown
	 */
	public PigeonSubscriptionGapEvent(Object source, String subscription, String channel, long events,
			@Nullable Long firstEventId, @Nullable Long lastEventId, @Nullable Instant firstEventTime,
			@Nullable Instant lastEventTime) {
		super(source);
		this.subscription = subscription;
		this.channel = channel;
		this.events = events;
		this.firstEventId = firstEventId;
		this.lastEventId = lastEventId;
		this.firstEventTime = firstEventTime;
		this.lastEventTime = lastEventTime;
	}

	/**
	 * Return the subscription's id.
	 * @return the id
	 */
	public String getSubscription() {
		return this.subscription;
	}

	/**
	 * Return the subscription's channel.
	 * @return the channel
	 */
	public String getChannel() {
		return this.channel;
	}

	/**
	 * Return how many events the subscription missed.
	 * @return the number of events removed unprocessed
	 */
	public long getEvents() {
		return this.events;
	}

	/**
	 * Return the smallest id of the missed events.
	 * @return the id, or {@code null} when unknown
	 */
	public @Nullable Long getFirstEventId() {
		return this.firstEventId;
	}

	/**
	 * Return the largest id of the missed events.
	 * @return the id, or {@code null} when unknown
	 */
	public @Nullable Long getLastEventId() {
		return this.lastEventId;
	}

	/**
	 * Return when the oldest missed event was written.
	 * @return the time, or {@code null} when unknown
	 */
	public @Nullable Instant getFirstEventTime() {
		return this.firstEventTime;
	}

	/**
	 * Return when the newest missed event was written.
	 * @return the time, or {@code null} when unknown
	 */
	public @Nullable Instant getLastEventTime() {
		return this.lastEventTime;
	}

}
