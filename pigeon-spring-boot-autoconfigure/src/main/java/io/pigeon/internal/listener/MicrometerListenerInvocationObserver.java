package io.pigeon.internal.listener;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.pigeon.observation.DefaultPigeonListenerObservationConvention;
import io.pigeon.observation.PigeonListenerObservation;
import io.pigeon.observation.PigeonListenerObservationContext;
import io.pigeon.observation.PigeonListenerObservationConvention;
import org.jspecify.annotations.Nullable;

/**
 * Observes each listener call with Micrometer Observation as a
 * {@link PigeonListenerObservation#LISTENER} observation, opened in scope on the dispatching
 * thread for the duration of the call (so that what the method does, a JDBC call or a log line,
 * belongs to its span), with the error recorded when the call throws.
 *
 * @since 0.1.0
 */
public final class MicrometerListenerInvocationObserver implements ListenerInvocationObserver {

	private final ObservationRegistry registry;

	private final @Nullable PigeonListenerObservationConvention convention;

	/**
	 * Create an observer.
	 * @param registry the registry to observe with
	 * @param convention the application's convention, or {@code null} for
	 * {@link DefaultPigeonListenerObservationConvention}
	 */
	public MicrometerListenerInvocationObserver(ObservationRegistry registry,
			@Nullable PigeonListenerObservationConvention convention) {
		this.registry = registry;
		this.convention = convention;
	}

	@Override
	public void invoke(String channel, MethodListenerAdapter listener, IncomingNotification notification)
			throws Throwable {
		Observation observation = PigeonListenerObservation.LISTENER.observation(this.convention,
				DefaultPigeonListenerObservationConvention.INSTANCE,
				() -> new PigeonListenerObservationContext(channel, listener.getId(), notification.action()),
				this.registry);
		observation.start();
		try (Observation.Scope scope = observation.openScope()) {
			listener.invoke(notification);
		}
		catch (Throwable ex) {
			observation.error(ex);
			throw ex;
		}
		finally {
			observation.stop();
		}
	}

}
