package io.pigeon.internal.listener;

import java.util.Set;

/**
 * Delivers the changes of one delivery mode to the listener methods it was given, on threads it
 * takes from executors given to it from outside. The {@link PigeonListenerEndpointRegistry}
 * creates one container per delivery mode through a {@link ListenerContainerFactory} and forwards
 * its lifecycle calls; it never deals with connections or threads itself.
 *
 * @since 0.1.0
 * @see AbstractListenerContainer
 */
public interface ListenerContainer {

	/**
	 * Start delivering, returning once the container receives every change committed from now
	 * on.
	 * @throws RuntimeException if the container cannot start and must fail start-up
	 */
	void start();

	/**
	 * Stop delivering: stop receiving, deliver what has been received within the container's
	 * shutdown time-out, then interrupt what is left, and return once no thread of the container
	 * is left running.
	 */
	void stop();

	/**
	 * Return whether the container has been started and not stopped since.
	 * @return {@code true} while running
	 */
	boolean isRunning();

	/**
	 * Return the channels the container delivers.
	 * @return the channel names
	 */
	Set<String> getChannels();

	/**
	 * Return what the container is doing; never waits for a start or stop in progress.
	 * @return the container's status
	 */
	ListenerStatus getStatus();

	/**
	 * Return how many received changes are waiting for delivery on a channel.
	 * @param channel the channel
	 * @return the number waiting, 0 for a channel the container does not deliver
	 */
	int getPending(String channel);

}
