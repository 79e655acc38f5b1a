package io.pigeon.observation;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import io.pigeon.PigeonAction;
import org.jspecify.annotations.Nullable;

/**
 * The context of one listener call's observation: the channel, the listener's id and the
 * change's action, nothing from the payload. It is a {@link ReceiverContext} of kind
 * {@link Kind#CONSUMER} so that tracing records a consumer span; a PostgreSQL notification has
 * no headers, so there is no trace context to extract and each delivery starts a trace of its
 * own. The carrier is the channel's name, and the getter finds nothing in it.
 *
 * @since 0.1.0
 */
public class PigeonListenerObservationContext extends ReceiverContext<String> {

	private final String channel;

	private final String listenerId;

	private final @Nullable PigeonAction action;

	/**
	 * Create a context for one call.
	 * @param channel the channel the notification arrived on
	 * @param listenerId the listener's id
	 * @param action the change's action, or {@code null} for a payload that is not a Pigeon change
	 */
	public PigeonListenerObservationContext(String channel, String listenerId, @Nullable PigeonAction action) {
		// A notification carries no headers: nothing to propagate from.
		super((carrier, key) -> null, Kind.CONSUMER);
		this.channel = channel;
		this.listenerId = listenerId;
		this.action = action;
		setCarrier(channel);
		setRemoteServiceName("postgresql");
	}

	/**
	 * Return the channel the notification arrived on.
	 * @return the channel
	 */
	public String getChannel() {
		return this.channel;
	}

	/**
	 * Return the id of the listener called.
	 * @return the listener's id
	 */
	public String getListenerId() {
		return this.listenerId;
	}

	/**
	 * Return the change's action.
	 * @return the action, or {@code null} for a payload that is not a Pigeon change
	 */
	public @Nullable PigeonAction getAction() {
		return this.action;
	}

}
