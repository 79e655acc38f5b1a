package io.pigeon.autoconfigure;

import java.time.Instant;

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
 *
 * @since 0.1.0
 */
public class PigeonHealthIndicator extends AbstractHealthIndicator {

	private final PigeonListenerEndpointRegistry registry;

	private @Nullable TriggerStateChecker triggerStateChecker;

	/**
	 * Create a new health indicator.
	 * @param registry the listener whose health to report
	 */
	public PigeonHealthIndicator(PigeonListenerEndpointRegistry registry) {
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

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		ListenerStatus status = this.registry.getStatus();
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
