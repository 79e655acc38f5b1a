/**
 * Micrometer Observation of listener calls: the {@link io.pigeon.observation.PigeonListenerObservation}
 * documentation, the context each call is observed with, and the convention that names it and
 * gives its key values, which an application replaces with a
 * {@link io.pigeon.observation.PigeonListenerObservationConvention} bean.
 */
@NullMarked
package io.pigeon.observation;

import org.jspecify.annotations.NullMarked;
