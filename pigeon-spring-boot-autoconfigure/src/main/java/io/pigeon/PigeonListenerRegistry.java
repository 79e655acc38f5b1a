package io.pigeon;

import java.util.Collection;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * The application's {@link PigeonListener @PigeonListener} methods by id, to stop, start, pause
 * and resume them at run time, after spring-kafka's
 * {@code KafkaListenerEndpointRegistry#getListenerContainer(String)}. Pigeon defines it as a
 * bean; inject it where listeners are controlled.
 *
 * @since 0.1.0
 * @see PigeonListenerHandle
 */
public interface PigeonListenerRegistry {

	/**
	 * Return the ids of every listener.
	 * @return the ids, in the order the listeners were found
	 */
	Set<String> getListenerIds();

	/**
	 * Return every listener.
	 * @return the listeners, in the order they were found
	 */
	Collection<PigeonListenerHandle> getListeners();

	/**
	 * Return a listener by id.
	 * @param id the listener's id
	 * @return the listener, or {@code null} if there is none with that id
	 */
	@Nullable PigeonListenerHandle getListener(String id);

	/**
	 * Return a listener by id, failing if there is none.
	 * @param id the listener's id
	 * @return the listener
	 * @throws IllegalArgumentException if there is no listener with that id
	 */
	default PigeonListenerHandle getRequiredListener(String id) {
		PigeonListenerHandle listener = getListener(id);
		if (listener == null) {
			throw new IllegalArgumentException(
					"No @PigeonListener with id '" + id + "': the ids are " + getListenerIds());
		}
		return listener;
	}

}
