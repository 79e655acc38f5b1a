package io.pigeon.observation;

import java.util.Locale;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.pigeon.PigeonAction;
import io.pigeon.observation.PigeonListenerObservation.ListenerLowCardinalityTags;

/**
 * The default {@link PigeonListenerObservationConvention}: the observation is named
 * {@value #NAME}, its contextual name (a span's name) is {@code "<channel> receive"}, and its
 * low-cardinality key values are {@code pigeon.channel}, {@code pigeon.listener.id},
 * {@code pigeon.action} and {@code pigeon.outcome}. It has no high-cardinality key values: the
 * payload's content is never recorded.
 *
 * @since 0.1.0
 */
public class DefaultPigeonListenerObservationConvention implements PigeonListenerObservationConvention {

	/**
	 * A shared instance.
	 */
	public static final DefaultPigeonListenerObservationConvention INSTANCE = new DefaultPigeonListenerObservationConvention();

	/**
	 * The observation's name, which also names the timer Spring Boot records from it.
	 */
	public static final String NAME = "pigeon.listener";

	private static final KeyValue[] ACTIONS = actions();

	private static final KeyValue NO_ACTION = KeyValue.of(ListenerLowCardinalityTags.ACTION, "none");

	private static final KeyValue SUCCESS = KeyValue.of(ListenerLowCardinalityTags.OUTCOME, "success");

	private static final KeyValue FAILURE = KeyValue.of(ListenerLowCardinalityTags.OUTCOME, "failure");

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(PigeonListenerObservationContext context) {
		return context.getChannel() + " receive";
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(PigeonListenerObservationContext context) {
		return KeyValues.of(KeyValue.of(ListenerLowCardinalityTags.CHANNEL, context.getChannel()),
				KeyValue.of(ListenerLowCardinalityTags.LISTENER_ID, context.getListenerId()), action(context),
				(context.getError() != null) ? FAILURE : SUCCESS);
	}

	private static KeyValue action(PigeonListenerObservationContext context) {
		PigeonAction action = context.getAction();
		return (action != null) ? ACTIONS[action.ordinal()] : NO_ACTION;
	}

	// Made once: a call's key values then cost no case conversion.
	private static KeyValue[] actions() {
		PigeonAction[] actions = PigeonAction.values();
		KeyValue[] values = new KeyValue[actions.length];
		for (PigeonAction action : actions) {
			values[action.ordinal()] = KeyValue.of(ListenerLowCardinalityTags.ACTION,
					action.name().toLowerCase(Locale.ROOT));
		}
		return values;
	}

}
