package io.pigeon.autoconfigure;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import io.pigeon.PigeonSubscriptions.Subscription;
import io.pigeon.internal.durable.operations.DurableStatus;

import io.pigeon.internal.install.TriggerStateChecker;
import io.pigeon.internal.install.TriggerStates;
import io.pigeon.internal.listener.ListenerStatus;
import io.pigeon.internal.listener.PigeonListenerEndpointRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of Pigeon's listener, contributed as {@code pigeon}: {@code UP} with the channels and
 * the time of the last notification while listening (or when there is nothing to listen to),
 * {@code DOWN} while the connection is lost or not yet established. The registry answers without
 * waiting for a start or stop in progress, so health is reported during a long shutdown too.
 * <p>
 * With durable delivery's log in the database, the detail {@code durable} gives each
 * subscription's holder, backlog and lag (in seconds) as last sampled (every few seconds, so a
 * health check never queries the database), and the status is {@code DOWN} while that sample
 * cannot be read because Pigeon cannot reach its database.
 *
 * @since 0.1.0
 */
public class PigeonHealthIndicator extends AbstractHealthIndicator {

	private final @Nullable PigeonListenerEndpointRegistry registry;

	private @Nullable DurableStatus durableStatus;

	private @Nullable TriggerStateChecker triggerStateChecker;

	/**
	 * Create a new health indicator.
	 * @param registry the listener whose health to report, or {@code null} when this
	 * application does not listen
	 */
	public PigeonHealthIndicator(@Nullable PigeonListenerEndpointRegistry registry) {
		super("Pigeon listener health check failed");
		this.registry = registry;
	}

	/**
	 * Report the installed triggers' state as the detail {@code triggers}; it never changes
	 * the status, since a disabled trigger is the same for every instance.
	 * @param triggerStateChecker the periodic check of the triggers, or {@code null}
	 */
	public void setTriggerStateChecker(@Nullable TriggerStateChecker triggerStateChecker) {
		this.triggerStateChecker = triggerStateChecker;
	}

	/**
	 * Report durable delivery's subscriptions as the detail {@code durable}, and
	 * {@code DOWN} while their status cannot be read from the database.
	 * @param durableStatus the sampled status, or {@code null}
	 */
	public void setDurableStatus(@Nullable DurableStatus durableStatus) {
		this.durableStatus = durableStatus;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		if (this.registry != null) {
			listenerHealth(this.registry, builder);
		}
		else {
			builder.up();
		}
		DurableStatus.Sample sample = (this.durableStatus != null) ? this.durableStatus.get() : null;
		if (sample != null && sample.error() != null) {
			builder.down().withDetail("durable", Map.of("error", sample.error(), "lastRead", sample.takenAt()));
		}
		else if (sample != null && sample.logExists()) {
			Map<String, Object> subscriptions = new LinkedHashMap<>();
			for (Subscription subscription : sample.subscriptions()) {
				Map<String, Object> detail = new LinkedHashMap<>();
				detail.put("channel", subscription.channel());
				detail.put("holder", (subscription.holder() != null) ? subscription.holder() : "none");
				detail.put("backlog", subscription.backlog());
				detail.put("lag", subscription.lag().toNanos() / 1e9);
				detail.put("stale", subscription.stale());
				String key = (subscription.lane() == 0) ? subscription.id()
						: subscription.id() + "/" + subscription.lane();
				subscriptions.put(key, detail);
			}
			builder.withDetail("durable", Map.of("subscriptions", subscriptions, "read", sample.takenAt()));
		}
	}

	private void listenerHealth(PigeonListenerEndpointRegistry registry, Health.Builder builder) {
		ListenerStatus status = registry.getStatus();
		ListenerStatus.State state = status.getState();
		switch (state) {
			case LISTENING, IDLE -> builder.up();
			case STOPPED -> builder.outOfService();
			case STARTING, DISCONNECTED -> builder.down();
		}
		builder.withDetail("state", state).withDetail("channels", status.getChannels());
		Instant lastNotification = status.getLastNotification();
		if (lastNotification != null) {
			builder.withDetail("lastNotification", lastNotification);
		}
		Instant disconnectedSince = status.getDisconnectedSince();
		if (state == ListenerStatus.State.DISCONNECTED && disconnectedSince != null) {
			builder.withDetail("disconnectedSince", disconnectedSince)
				.withDetail("failedAttempts", status.getFailedAttempts())
				.withDetail("error", status.getLastError());
		}
		TriggerStates triggers = (this.triggerStateChecker != null) ? this.triggerStateChecker.getStates() : null;
		if (triggers != null) {
			builder.withDetail("triggers", triggers.asDetail());
		}
	}

}
