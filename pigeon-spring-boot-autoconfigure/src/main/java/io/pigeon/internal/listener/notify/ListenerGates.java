package io.pigeon.internal.listener.notify;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import io.pigeon.internal.listener.ChangeView;
import io.pigeon.internal.listener.IncomingNotification;
import io.pigeon.internal.listener.ListenerControl;
import io.pigeon.internal.listener.ListenerFailureHandler;
import io.pigeon.internal.listener.ListenerMetrics.ChannelMetrics;
import io.pigeon.internal.listener.MethodListenerAdapter;
import io.pigeon.internal.listener.notify.DroppedNotificationsReporter.ChannelDrops;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Decides, on a channel's dispatching thread, what happens to a notification for each of the
 * channel's listener methods: nothing while the listener is stopped or its {@code condition} is not
 * met, held while it is paused, delivered otherwise. Each listener holds up to the channel's
 * capacity; a notification that does not fit, and what a listener holds when it is stopped or the
 * channel ends, is dropped and counted like any other drop. The held notifications are kept and
 * released on the dispatching thread only: a change of a listener's state wakes the dispatcher
 * (see {@link ChannelDispatcher}), which then calls {@link #release}, so resuming delivers what was
 * held, in order, before anything newer, and no listener's state ever blocks the channel.
 * <p>
 * A condition is evaluated against one {@link ChangeView} per notification, shared by the
 * channel's listeners, before the listener's arguments are bound.
 *
 * @since 0.1.0
 */
final class ListenerGates {

	private static final Log logger = LogFactory.getLog(ListenerGates.class);

	private final String channel;

	private final Map<MethodListenerAdapter, Gate> gates = new IdentityHashMap<>();

	private final int capacity;

	private final ChannelMetrics metrics;

	private final ChannelDrops drops;

	private final ListenerFailureHandler failureHandler;

	private final BooleanSupplier abandoned;

	private final List<Runnable> subscriptions = new ArrayList<>();

	private @Nullable IncomingNotification viewed;

	private @Nullable ChangeView view;

	/**
	 * Create the gates of a channel's listeners.
	 * @param channel the channel
	 * @param listeners its listener methods
	 * @param capacity how many notifications each listener holds at most
	 * @param metrics counts drops
	 * @param drops announces drops
	 * @param failureHandler told of conditions that fail
	 * @param abandoned whether the channel was abandoned at shutdown, so release stops
	 */
	ListenerGates(String channel, List<MethodListenerAdapter> listeners, int capacity, ChannelMetrics metrics,
			ChannelDrops drops, ListenerFailureHandler failureHandler, BooleanSupplier abandoned) {
		this.channel = channel;
		this.capacity = capacity;
		this.metrics = metrics;
		this.drops = drops;
		this.failureHandler = failureHandler;
		this.abandoned = abandoned;
		for (MethodListenerAdapter listener : listeners) {
			this.gates.put(listener, new Gate(listener));
		}
	}

	/**
	 * Be woken on every change of a listener's state until {@link #close()}.
	 * @param wake wakes the dispatching thread; must return at once
	 */
	void subscribe(Runnable wake) {
		for (Gate gate : this.gates.values()) {
			this.subscriptions.add(gate.control.subscribe(wake));
		}
	}

	/**
	 * Deliver a notification to one listener, hold it, or leave it, by the listener's state.
	 * @param listener the listener, which accepts the notification's action
	 * @param notification the notification
	 * @param invoker calls the listener
	 */
	void deliver(MethodListenerAdapter listener, IncomingNotification notification, Invoker invoker) {
		Gate gate = this.gates.get(listener);
		if (gate == null || !gate.control.isRunning()) {
			return;
		}
		if (listener.hasCondition() && !matches(listener, notification)) {
			return;
		}
		if (gate.control.isPaused()) {
			gate.hold(notification);
			return;
		}
		if (!gate.held.isEmpty()) {
			gate.release(invoker);
		}
		invoker.invoke(listener, notification);
	}

	private boolean matches(MethodListenerAdapter listener, IncomingNotification notification) {
		ChangeView view = this.view;
		if (view == null || this.viewed != notification) {
			view = listener.view(notification);
			this.view = view;
			this.viewed = notification;
		}
		try {
			return listener.matches(view);
		}
		catch (RuntimeException ex) {
			this.failureHandler.listenerFailed(this.channel, listener.getDescription(), notification.payload(), ex,
					listener.getErrorHandler());
			return false;
		}
	}

	/**
	 * Deliver what resumed listeners hold and discard what stopped ones hold; called on the
	 * dispatching thread whenever it wakes.
	 * @param invoker calls a listener
	 */
	void release(Invoker invoker) {
		for (Gate gate : this.gates.values()) {
			if (gate.held.isEmpty()) {
				continue;
			}
			if (!gate.control.isRunning()) {
				gate.discard("it was stopped");
			}
			else if (!gate.control.isPaused()) {
				gate.release(invoker);
			}
		}
	}

	/**
	 * Discard what paused listeners still hold and stop being woken; called on the dispatching
	 * thread when it ends.
	 */
	void close() {
		this.subscriptions.forEach(Runnable::run);
		this.subscriptions.clear();
		for (Gate gate : this.gates.values()) {
			if (!gate.held.isEmpty()) {
				gate.discard("the listener stopped while it was paused");
			}
		}
		this.view = null;
		this.viewed = null;
	}

	/**
	 * Calls a listener method with a notification.
	 */
	@FunctionalInterface
	interface Invoker {

		void invoke(MethodListenerAdapter listener, IncomingNotification notification);

	}

	/**
	 * One listener's state on this channel and what it holds while paused.
	 */
	private final class Gate {

		private final MethodListenerAdapter listener;

		private final ListenerControl control;

		private final ArrayDeque<IncomingNotification> held = new ArrayDeque<>();

		Gate(MethodListenerAdapter listener) {
			this.listener = listener;
			this.control = listener.getControl();
		}

		void hold(IncomingNotification notification) {
			if (this.held.size() < ListenerGates.this.capacity) {
				this.held.add(notification);
				return;
			}
			ListenerGates.this.metrics.dropped();
			ListenerGates.this.drops.dropped();
		}

		void release(Invoker invoker) {
			IncomingNotification notification;
			while (!ListenerGates.this.abandoned.getAsBoolean() && (notification = this.held.poll()) != null) {
				// As for any delivery: an interrupt left behind by an earlier call is not for this one.
				Thread.interrupted();
				invoker.invoke(this.listener, notification);
			}
		}

		void discard(String reason) {
			int discarded = this.held.size();
			this.held.clear();
			for (int i = 0; i < discarded; i++) {
				ListenerGates.this.metrics.dropped();
				ListenerGates.this.drops.dropped();
			}
			logger.warn("Pigeon discarded " + discarded + " notification(s) held on channel '"
					+ ListenerGates.this.channel + "' for paused listener " + this.listener.getDescription() + ": "
					+ reason);
		}

	}

}
