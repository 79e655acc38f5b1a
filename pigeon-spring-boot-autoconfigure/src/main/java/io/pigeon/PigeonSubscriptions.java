package io.pigeon;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Operations on the subscriptions of durable delivery: their state and backlog, their dead
 * letters, and replay. Pigeon defines a bean of this type when it has a database; the
 * {@code pigeon} Actuator endpoint offers the same operations.
 * <p>
 * Redrive and seek change what the holding instance delivers next; they never call a listener
 * themselves. A redriven dead letter is delivered again by whichever instance holds the
 * subscription, a seek fences the current holder, which then reads the new position.
 *
 * @since 0.1.0
 */
public interface PigeonSubscriptions {

	/**
	 * Return every subscription (one entry per lane), ordered by id and lane, with its backlog
	 * as of now. Costs one query; the backlog part grows with the backlog, not with the log.
	 * @return the subscriptions, empty when durable delivery has never been used
	 */
	List<Subscription> subscriptions();

	/**
	 * Return the dead letters of a subscription, oldest first.
	 * @param subscription the subscription's id
	 * @return the dead letters
	 */
	List<DeadLetter> deadLetters(String subscription);

	/**
	 * Ask for a dead letter to be delivered again by the instance that holds its subscription.
	 * @param deadLetterId the dead letter's id
	 * @return whether the dead letter exists
	 */
	boolean redrive(long deadLetterId);

	/**
	 * Ask for every dead letter of a subscription to be delivered again.
	 * @param subscription the subscription's id
	 * @return the number of dead letters marked for redelivery
	 */
	int redriveAll(String subscription);

	/**
	 * Delete a dead letter: its event is not delivered again.
	 * @param deadLetterId the dead letter's id
	 * @return whether the dead letter existed
	 */
	boolean discard(long deadLetterId);

	/**
	 * Move a subscription so that every event of its channel logged at or after an instant is
	 * delivered again (events logged a little earlier may be delivered again too). The holding
	 * instance is fenced off and reads from the new position when it takes the subscription
	 * again. An instant after the last event moves the subscription to the end of the log.
	 * @param subscription the subscription's id
	 * @param instant the instant to replay from
	 * @throws IllegalArgumentException if the subscription does not exist, or if events of its
	 * channel logged at or after the instant were already removed from the log (older than
	 * {@code pigeon.durable.retention})
	 */
	void seek(String subscription, Instant instant);

	/**
	 * A subscription's state.
	 *
	 * @param id the subscription's id
	 * @param lane the lane (0 until subscriptions split by key)
	 * @param channel the channel it reads
	 * @param holder the instance that holds it, or {@code null} when none does
	 * @param leaseUntil until when the holder's lease runs, or {@code null}
	 * @param lastHeld when an instance last held it
	 * @param staleSince since when it is stale (not held for longer than
	 * {@code pigeon.durable.subscription-expiry}, so no longer holding events back), or
	 * {@code null}
	 * @param backlog the number of committed events it has not processed yet
	 * @param lag the age of the oldest of them, {@link Duration#ZERO} when there are none
	 * @param deadLetters the number of its dead letters
	 */
	record Subscription(String id, int lane, String channel, @Nullable String holder, @Nullable Instant leaseUntil,
			Instant lastHeld, @Nullable Instant staleSince, long backlog, Duration lag, long deadLetters) {

		/**
		 * Return whether the subscription is stale.
		 * @return whether {@link #staleSince()} is set
		 */
		public boolean stale() {
			return this.staleSince != null;
		}

	}

	/**
	 * An event a subscription gave up on after its retries.
	 *
	 * @param id the dead letter's id
	 * @param subscription the subscription
	 * @param eventId the event's id in the log
	 * @param channel the event's channel
	 * @param payload the event's payload
	 * @param exceptionClass the class of the last exception
	 * @param exceptionMessage its message, or {@code null}
	 * @param stackTrace the head of its stack trace, or {@code null}
	 * @param attempts the number of calls made
	 * @param firstAttemptAt when the first call failed
	 * @param lastAttemptAt when the last call failed
	 * @param createdAt when the event became a dead letter
	 * @param redriveRequestedAt when its redelivery was asked for, or {@code null}
	 */
	record DeadLetter(long id, String subscription, long eventId, String channel, String payload,
			String exceptionClass, @Nullable String exceptionMessage, @Nullable String stackTrace, int attempts,
			Instant firstAttemptAt, Instant lastAttemptAt, Instant createdAt, @Nullable Instant redriveRequestedAt) {

	}

}
