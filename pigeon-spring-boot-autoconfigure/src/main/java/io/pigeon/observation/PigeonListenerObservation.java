package io.pigeon.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observation Pigeon makes of each call of a {@code @PigeonListener} method, after
 * spring-kafka's {@code KafkaListenerObservation}: named {@code pigeon.listener}, with the
 * contextual name {@code "<channel> receive"} and only low-cardinality key values.
 *
 * @since 0.1.0
 */
public enum PigeonListenerObservation implements ObservationDocumentation {

	/**
	 * One call of a listener method with one notification.
	 */
	LISTENER {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultPigeonListenerObservationConvention.class;
		}

		@Override
		public String getPrefix() {
			return "pigeon.";
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return ListenerLowCardinalityTags.values();
		}

	};

	/**
	 * The low-cardinality keys of {@link #LISTENER}: each has a value drawn from the
	 * application's configuration (channels, listener methods) or from a fixed set.
	 */
	public enum ListenerLowCardinalityTags implements KeyName {

		/**
		 * The channel the notification arrived on.
		 */
		CHANNEL {

			@Override
			public String asString() {
				return "pigeon.channel";
			}

		},

		/**
		 * The listener's id (by default {@code beanName.methodName}).
		 */
		LISTENER_ID {

			@Override
			public String asString() {
				return "pigeon.listener.id";
			}

		},

		/**
		 * The change's action in lower case ({@code insert}, {@code update}, {@code delete},
		 * {@code truncate}), {@code none} for a payload that is not a Pigeon change.
		 */
		ACTION {

			@Override
			public String asString() {
				return "pigeon.action";
			}

		},

		/**
		 * {@code success} when the method returned normally, {@code failure} when binding its
		 * arguments or the method threw.
		 */
		OUTCOME {

			@Override
			public String asString() {
				return "pigeon.outcome";
			}

		}

	}

}
