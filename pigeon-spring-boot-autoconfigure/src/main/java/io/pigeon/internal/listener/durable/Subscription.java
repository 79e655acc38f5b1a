package io.pigeon.internal.listener.durable;

import io.pigeon.internal.listener.ListenerEndpoint;
import io.pigeon.internal.listener.MethodListenerAdapter;

/**
 * One durable subscription: a {@code @PigeonListener} method on a durable channel, with its
 * own position in the channel's log, lease, retries and dead letters.
 * <p>
 * Internal: not an API.
 *
 * @param id the subscription's id: the listener's id ({@code @PigeonListener(id)}, else
 * {@code beanName.methodName})
 * @param channel the channel it reads
 * @param endpoint the method
 * @param adapter calls the method
 * @param transactional whether each call runs in a transaction with its acknowledgement
 * @param lanes the number of lanes it is split into by key, 1 for none
 */
record Subscription(String id, String channel, ListenerEndpoint endpoint, MethodListenerAdapter adapter,
		boolean transactional, int lanes) {

}
