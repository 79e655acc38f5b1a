package io.pigeon.observation;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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

	/**
	 * Every listener's key values, made once per channel, listener, action and outcome: sorting
	 * them again for every call is a noticeable part of an observed call's cost.
	 */
	private final Map<ListenerKey, KeyValues[]> keyValues = new ConcurrentHashMap<>();

	@Override
	public KeyValues getLowCardinalityKeyValues(PigeonListenerObservationContext context) {
		KeyValues[] listener = this.keyValues.computeIfAbsent(
				new ListenerKey(context.getChannel(), context.getListenerId()), DefaultPigeonListenerObservationConvention::combinations);
		PigeonAction action = context.getAction();
		int index = ((action != null) ? action.ordinal() + 1 : 0) * 2 + ((context.getError() != null) ? 1 : 0);
		return listener[index];
	}

	private static KeyValues[] combinations(ListenerKey key) {
		KeyValue channel = KeyValue.of(ListenerLowCardinalityTags.CHANNEL, key.channel());
		KeyValue listenerId = KeyValue.of(ListenerLowCardinalityTags.LISTENER_ID, key.listenerId());
		KeyValues[] combinations = new KeyValues[(ACTIONS.length + 1) * 2];
		for (int action = 0; action <= ACTIONS.length; action++) {
			KeyValue actionValue = (action == 0) ? NO_ACTION : ACTIONS[action - 1];
			combinations[action * 2] = KeyValues.of(channel, listenerId, actionValue, SUCCESS);
			combinations[action * 2 + 1] = KeyValues.of(channel, listenerId, actionValue, FAILURE);
		}
		return combinations;
	}

	private record ListenerKey(String channel, String listenerId) {
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
