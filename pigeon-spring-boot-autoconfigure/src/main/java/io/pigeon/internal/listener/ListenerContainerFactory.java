package io.pigeon.internal.listener;

import java.util.List;

/**
 * Creates the {@link ListenerContainer} of one delivery mode for the endpoints that use it.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface ListenerContainerFactory {

	/**
	 * Create a container, not started.
	 * @param endpoints the endpoints it delivers to, at least one
	 * @return the container
	 */
	ListenerContainer createContainer(List<ListenerEndpoint> endpoints);

}
