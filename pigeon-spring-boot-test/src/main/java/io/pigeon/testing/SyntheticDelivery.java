package io.pigeon.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.pigeon.PigeonErrorHandler;
import io.pigeon.internal.listener.DeliveryObserver;
import io.pigeon.internal.listener.IncomingNotification;
import io.pigeon.internal.listener.ListenerEndpoint;
import io.pigeon.internal.listener.ListenerFailureHandler;
import io.pigeon.internal.listener.MethodListenerAdapter;
import io.pigeon.internal.listener.NotificationParser;
import io.pigeon.internal.listener.PigeonListenerEndpointRegistry;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * Delivers a payload to a channel's listener methods on the caller's thread, as the channel's
 * dispatcher would: parsed once by the {@link NotificationParser}, filtered by each method's
 * {@code actions}, bound and called by the same {@link MethodListenerAdapter}, a failure reported
 * by the same {@link ListenerFailureHandler} to the application's {@link PigeonErrorHandler}, and
 * every call told to the {@link DeliveryObserver}s.
 */
final class SyntheticDelivery {

	private final PigeonListenerEndpointRegistry registry;

	private final JsonMapper jsonMapper;

	private final NotificationParser parser;

	private final ListenerFailureHandler failureHandler;

	private final DeliveryObserver observer;

	private final Map<String, Channel> channels = new ConcurrentHashMap<>();

	SyntheticDelivery(PigeonListenerEndpointRegistry registry, JsonMapper jsonMapper, @Nullable PigeonErrorHandler errorHandler,
			DeliveryObserver observer) {
		this.registry = registry;
		this.jsonMapper = jsonMapper;
		this.parser = new NotificationParser(jsonMapper, (id) -> {
			throw new IllegalStateException("A synthetic change is never an overflow reference");
		});
		this.failureHandler = new ListenerFailureHandler(errorHandler);
		this.observer = observer;
	}

	/**
	 * Deliver a payload.
	 * @param channel the channel
	 * @param payload the payload
	 * @return the notification the listener methods were called with
	 * @throws IllegalArgumentException if no listener method listens on the channel
	 */
	IncomingNotification deliver(String channel, String payload) {
		Channel listeners = this.channels.computeIfAbsent(channel, this::channel);
		IncomingNotification notification = this.parser.parse(channel, payload, listeners.rowTypes());
		for (MethodListenerAdapter listener : listeners.adapters()) {
			if (!listener.accepts(notification)) {
				continue;
			}
			try {
				listener.invoke(notification);
			}
			catch (Throwable ex) {
				this.failureHandler.listenerFailed(channel, listener.getDescription(), payload, ex);
			}
		}
		return notification;
	}

	private Channel channel(String channel) {
		List<MethodListenerAdapter> adapters = new ArrayList<>();
		for (ListenerEndpoint endpoint : this.registry.getEndpoints()) {
			if (endpoint.channels().contains(channel)) {
				adapters.add(new MethodListenerAdapter(endpoint, this.jsonMapper, this.observer));
			}
		}
		if (adapters.isEmpty()) {
			throw new IllegalArgumentException("No @PigeonListener method listens on channel '" + channel
					+ "', so a synthetic change there reaches nobody: the channels with listeners are "
					+ this.registry.getChannels());
		}
		return new Channel(List.copyOf(adapters), this.parser.rowTypes(adapters));
	}

	/**
	 * A channel's listener methods, in registration order as the dispatcher calls them.
	 */
	private record Channel(List<MethodListenerAdapter> adapters, NotificationParser.RowTypes rowTypes) {

	}

}
