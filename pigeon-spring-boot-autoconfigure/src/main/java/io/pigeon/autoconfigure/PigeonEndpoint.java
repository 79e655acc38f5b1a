package io.pigeon.autoconfigure;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

import io.pigeon.PigeonSubscriptions;
import io.pigeon.PigeonSubscriptions.DeadLetter;
import io.pigeon.PigeonSubscriptions.Subscription;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code pigeon} Actuator endpoint: Pigeon's durable subscriptions and their dead letters,
 * with redrive, replay and discard, through {@link PigeonSubscriptions}. Exposed and secured as
 * every Actuator endpoint is ({@code management.endpoints.web.exposure.include},
 * {@code management.endpoint.pigeon.access}); its write and delete operations change what is
 * delivered, so give them to operators only.
 * <ul>
 * <li>{@code GET /actuator/pigeon}: every subscription with its holder, backlog and lag;</li>
 * <li>{@code GET /actuator/pigeon/{subscription}}: its lanes and dead letters;</li>
 * <li>{@code POST /actuator/pigeon/{subscription}/redrive}, optionally with
 * {@code {"deadLetter": 12}}: ask for one or all of its dead letters to be delivered again;</li>
 * <li>{@code POST /actuator/pigeon/{subscription}/seek} with
 * {@code {"instant": "2026-01-02T10:00:00Z"}}: replay from an instant;</li>
 * <li>{@code DELETE /actuator/pigeon/{subscription}/{deadLetter}}: discard a dead letter.</li>
 * </ul>
 *
 * @since 0.1.0
 */
@Endpoint(id = "pigeon")
public class PigeonEndpoint {

	private final PigeonSubscriptions subscriptions;

	/**
	 * Create the endpoint.
	 * @param subscriptions the operations it offers
	 */
	public PigeonEndpoint(PigeonSubscriptions subscriptions) {
		this.subscriptions = subscriptions;
	}

	/**
	 * Return every subscription.
	 * @return the subscriptions
	 */
	@ReadOperation
	public SubscriptionsDescriptor subscriptions() {
		return new SubscriptionsDescriptor(this.subscriptions.subscriptions());
	}

	/**
	 * Return a subscription's lanes and dead letters.
	 * @param subscription the subscription's id
	 * @return the subscription, or {@code null} (404) when it does not exist
	 */
	@ReadOperation
	public @Nullable SubscriptionDescriptor subscription(@Selector String subscription) {
		List<Subscription> lanes = this.subscriptions.subscriptions()
			.stream()
			.filter((candidate) -> candidate.id().equals(subscription))
			.toList();
		if (lanes.isEmpty()) {
			return null;
		}
		return new SubscriptionDescriptor(lanes, this.subscriptions.deadLetters(subscription));
	}

	/**
	 * Redrive dead letters or replay a subscription.
	 * @param subscription the subscription's id
	 * @param action {@code redrive} or {@code seek}
	 * @param deadLetter for {@code redrive}, the dead letter; all of them when not given
	 * @param instant for {@code seek}, the instant to replay from (ISO-8601)
	 * @return what was done
	 */
	@WriteOperation
	public Map<String, Object> write(@Selector String subscription, @Selector String action,
			@Nullable Long deadLetter, @Nullable String instant) {
		return switch (action) {
			case "redrive" -> redrive(subscription, deadLetter);
			case "seek" -> seek(subscription, instant);
			default -> throw new InvalidEndpointRequestException(
					"Unknown action '" + action + "': use 'redrive' or 'seek'", "Unknown action");
		};
	}

	private Map<String, Object> redrive(String subscription, @Nullable Long deadLetter) {
		if (deadLetter == null) {
			return Map.of("subscription", subscription, "redriven", this.subscriptions.redriveAll(subscription));
		}
		requireDeadLetter(subscription, deadLetter);
		this.subscriptions.redrive(deadLetter);
		return Map.of("subscription", subscription, "redriven", 1);
	}

	private Map<String, Object> seek(String subscription, @Nullable String instant) {
		if (instant == null) {
			throw new InvalidEndpointRequestException("'seek' needs an 'instant', for example 2026-01-02T10:00:00Z",
					"Missing instant");
		}
		Instant from = parse(instant);
		try {
			this.subscriptions.seek(subscription, from);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEndpointRequestException(ex.getMessage(), "Cannot seek");
		}
		return Map.of("subscription", subscription, "seekedTo", from);
	}

	private static Instant parse(String instant) {
		try {
			return OffsetDateTime.parse(instant).toInstant();
		}
		catch (DateTimeParseException ex) {
			throw new InvalidEndpointRequestException("'" + instant + "' is not an ISO-8601 instant, for example "
					+ "2026-01-02T10:00:00Z", "Invalid instant");
		}
	}

	/**
	 * Discard a dead letter.
	 * @param subscription the subscription's id
	 * @param deadLetter the dead letter's id
	 * @return what was done
	 */
	@DeleteOperation
	public Map<String, Object> discard(@Selector String subscription, @Selector long deadLetter) {
		requireDeadLetter(subscription, deadLetter);
		return Map.of("subscription", subscription, "discarded", this.subscriptions.discard(deadLetter) ? 1 : 0);
	}

	private void requireDeadLetter(String subscription, long deadLetter) {
		boolean found = this.subscriptions.deadLetters(subscription)
			.stream()
			.anyMatch((candidate) -> candidate.id() == deadLetter);
		if (!found) {
			throw new InvalidEndpointRequestException(
					"Subscription '" + subscription + "' has no dead letter " + deadLetter, "Unknown dead letter");
		}
	}

	/**
	 * The subscriptions.
	 *
	 * @param subscriptions every subscription, one entry per lane
	 */
	public record SubscriptionsDescriptor(List<Subscription> subscriptions) {

	}

	/**
	 * One subscription.
	 *
	 * @param lanes its lanes
	 * @param deadLetters its dead letters
	 */
	public record SubscriptionDescriptor(List<Subscription> lanes, List<DeadLetter> deadLetters) {

	}

}
