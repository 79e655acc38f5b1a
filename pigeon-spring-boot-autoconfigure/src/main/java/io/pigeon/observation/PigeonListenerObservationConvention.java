package io.pigeon.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * An {@link ObservationConvention} for listener calls: an application bean of this type replaces
 * {@link DefaultPigeonListenerObservationConvention}, for example to add a key value or to rename
 * the observation.
 *
 * @since 0.1.0
 */
public interface PigeonListenerObservationConvention extends ObservationConvention<PigeonListenerObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof PigeonListenerObservationContext;
	}

}
