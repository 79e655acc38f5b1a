package io.pigeon.internal.listener;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

import io.pigeon.PigeonAction;
import io.pigeon.PigeonErrorHandler;
import io.pigeon.PigeonEvent;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.ResolvableType;
import org.springframework.util.ReflectionUtils;

/**
 * Calls one {@code @PigeonListener} method with a notification: filters by action, binds the
 * arguments its parameter list asks for and invokes it on the bean (through its proxy).
 *
 * @since 0.1.0
 */
public final class MethodListenerAdapter {

	private final ListenerEndpoint endpoint;

	private final String id;

	private final String description;

	private final Set<PigeonAction> actions;

	private final JsonMapper jsonMapper;

	private final @Nullable JavaType dataType;

	private final @Nullable JavaType envelopeType;

	private final DeliveryObserver observer;

	public MethodListenerAdapter(ListenerEndpoint endpoint, JsonMapper jsonMapper) {
		this(endpoint, jsonMapper, DeliveryObserver.NONE);
	}

	public MethodListenerAdapter(ListenerEndpoint endpoint, JsonMapper jsonMapper, DeliveryObserver observer) {
		this.endpoint = endpoint;
		this.observer = observer;
		this.id = endpoint.id();
		this.description = endpoint.describe();
		this.actions = endpoint.actions();
		this.jsonMapper = jsonMapper;
		ListenerMethodSignature.Kind kind = endpoint.signature().kind();
		boolean binds = kind == ListenerMethodSignature.Kind.EVENT || kind == ListenerMethodSignature.Kind.DATA
				|| kind == ListenerMethodSignature.Kind.BATCH
				|| kind == ListenerMethodSignature.Kind.ROWS;
		this.dataType = binds ? jsonMapper.constructType(javaType(endpoint.signature().dataType())) : null;
		this.envelopeType = (this.dataType != null)
				? jsonMapper.getTypeFactory().constructParametricType(ChangeEnvelope.class, this.dataType) : null;
		ReflectionUtils.makeAccessible(endpoint.method());
	}

	private static Type javaType(ResolvableType type) {
		if (type == ResolvableType.NONE || type.resolve() == null || type.hasUnresolvableGenerics()) {
			return type.resolve(Object.class);
		}
		return type.getType();
	}

	/**
	 * Return the listener's id.
	 * @return the endpoint's id
	 */
	public String getId() {
		return this.id;
	}

	public String getDescription() {
		return this.description;
	}

	/**
	 * Return the listener's run-time state.
	 * @return its control, set through the registry
	 */
	public ListenerControl getControl() {
		return this.endpoint.control();
	}

	/**
	 * Return the error handler told of this method's failures.
	 * @return its own, or {@code null} for the application's
	 */
	public @Nullable PigeonErrorHandler getErrorHandler() {
		return this.endpoint.errorHandler();
	}

	/**
	 * Return whether the method has a {@code condition}.
	 * @return {@code true} if {@link #matches} needs a view of each change
	 */
	public boolean hasCondition() {
		return this.endpoint.condition() != null;
	}

	/**
	 * Return a view of a notification to evaluate conditions against.
	 * @param notification the notification
	 * @return a view that reads the rows with this method's {@code JsonMapper} when asked
	 */
	public ChangeView view(IncomingNotification notification) {
		return new ChangeView(notification, this.jsonMapper);
	}

	/**
	 * Return whether a change satisfies the method's {@code condition}.
	 * @param change a view of the change, shared by the channel's methods
	 * @return {@code true} if the method is to be called, always without a condition
	 * @throws IllegalStateException if the condition cannot be evaluated
	 */
	public boolean matches(ChangeView change) {
		ListenerCondition condition = this.endpoint.condition();
		if (condition == null) {
			return true;
		}
		try {
			return condition.matches(change);
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException("The condition '" + condition.getText() + "' of @PigeonListener method "
					+ this.description + " could not be evaluated: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Return the type the method binds {@code data} and {@code old} to.
	 * @return the type, or {@code null} when the method takes the payload text
	 */
	@Nullable JavaType getRowType() {
		return this.dataType;
	}

	/**
	 * Return whether the method receives the notification, by its {@code actions}.
	 * @param notification the notification
	 * @return {@code true} if the method is to be called
	 */
	public boolean accepts(IncomingNotification notification) {
		PigeonAction action = notification.action();
		return (action != null) ? accepts(action) : this.actions.isEmpty();
	}

	/**
	 * Return whether the method receives changes of an action, by its {@code actions}.
	 * @param action the action
	 * @return {@code true} if the method is to be called for such changes
	 */
	boolean accepts(PigeonAction action) {
		return this.actions.isEmpty() || this.actions.contains(action);
	}

	/**
	 * Call the method, then tell the {@link DeliveryObserver} how it went.
	 * @param notification the notification
	 * @throws Throwable what binding the arguments or the method threw
	 */
	public void invoke(IncomingNotification notification) throws Throwable {
		invoke(notification, null, 1);
	}

	/**
	 * Return whether the method takes a page of events at once.
	 * @return {@code true} for {@code (List<PigeonEvent<T>> events)}
	 */
	public boolean isBatch() {
		return this.endpoint.signature().kind() == ListenerMethodSignature.Kind.BATCH;
	}

	/**
	 * Call the method with an event of the durable log, then tell the {@link DeliveryObserver}
	 * how it went.
	 * @param notification the event's notification
	 * @param id the event's id in the log, or {@code null} in notify mode
	 * @param attempt which call for this event this is, from 1
	 * @throws Throwable what binding the arguments or the method threw
	 */
	public void invoke(IncomingNotification notification, @Nullable Long id, int attempt) throws Throwable {
		try {
			invokeMethod(notification, id, attempt);
		}
		catch (Throwable ex) {
			this.observer.delivered(this.endpoint.id(), notification, ex);
			throw ex;
		}
		this.observer.delivered(this.endpoint.id(), notification, null);
	}

	/**
	 * Call a batch method with a page of events of the durable log, then tell the
	 * {@link DeliveryObserver} of each how it went.
	 * @param notifications the events' notifications, in order, the method accepts each
	 * @param ids the events' ids, in the same order
	 * @param attempt which call for this page this is, from 1
	 * @throws Throwable what binding the arguments or the method threw
	 */
	public void invokeBatch(List<IncomingNotification> notifications, List<Long> ids, int attempt)
			throws Throwable {
		try {
			List<PigeonEvent<?>> events = new ArrayList<>(notifications.size());
			for (int i = 0; i < notifications.size(); i++) {
				events.add(event(notifications.get(i), ids.get(i), attempt));
			}
			call(new Object[] { Collections.unmodifiableList(events) });
		}
		catch (Throwable ex) {
			notifications.forEach((notification) -> this.observer.delivered(this.endpoint.id(), notification, ex));
			throw ex;
		}
		notifications.forEach((notification) -> this.observer.delivered(this.endpoint.id(), notification, null));
	}

	private void invokeMethod(IncomingNotification notification, @Nullable Long id, int attempt) throws Throwable {
		call(arguments(notification, id, attempt));
	}

	private void call(Object[] arguments) throws Throwable {
		try {
			this.endpoint.method().invoke(this.endpoint.bean(), arguments);
		}
		catch (InvocationTargetException ex) {
			throw ex.getTargetException();
		}
	}

	private Object[] arguments(IncomingNotification notification, @Nullable Long id, int attempt) {
		return switch (this.endpoint.signature().kind()) {
			case EVENT -> new Object[] { event(notification, id, attempt) };
			case DATA -> new Object[] { data(notification) };
			case ROWS -> new Object[] { rows(notification) };
			case PAYLOAD -> new Object[] { notification.payload() };
			case CHANNEL_AND_PAYLOAD -> new Object[] { notification.channel(), notification.payload() };
			case BATCH -> throw new IllegalStateException("@PigeonListener method " + this.description
					+ " takes a batch of events: call invokeBatch");
		};
	}

	private PigeonEvent<?> event(IncomingNotification notification, @Nullable Long id, int attempt) {
		PigeonAction action = notification.action();
		String schema = notification.schema();
		String table = notification.table();
		if (action == null || schema == null || table == null) {
			throw new RejectedNotificationException(RejectionReason.NOT_A_CHANGE, "the payload is not a Pigeon "
					+ "change notification (a JSON object with a known action, a schema and a table), so it cannot "
					+ "be bound to a PigeonEvent: take (String payload) to receive any payload sent to the channel");
		}
		ChangeEnvelope<?> envelope = envelope(notification);
		return PigeonEvent.<Object>builder(notification.channel(), action, schema, table)
			.data(envelope.data())
			.old(envelope.old())
			.count(notification.count())
			.rows(rowList(envelope))
			.changed(notification.changed())
			.context(notification.context())
			.payload(notification.payload())
			.id(id)
			.attempt(attempt)
			.build();
	}

	@SuppressWarnings("unchecked")
	private static @Nullable List<Object> rowList(ChangeEnvelope<?> envelope) {
		return (List<Object>) envelope.rows();
	}

	private @Nullable Object rows(IncomingNotification notification) {
		if (notification.isChange()) {
			return envelope(notification).rows();
		}
		// Any other JSON array sent to the channel (for example with PigeonTemplate) is bound whole.
		try {
			return this.jsonMapper.readValue(notification.payload(),
					this.jsonMapper.getTypeFactory().constructCollectionType(List.class, this.dataType));
		}
		catch (StreamReadException ex) {
			throw new RejectedNotificationException(RejectionReason.NOT_A_CHANGE, "the payload is not JSON, so it "
					+ "cannot be bound to a list of " + this.dataType + ": take (String payload) to receive any "
					+ "payload sent to the channel");
		}
	}

	private @Nullable Object data(IncomingNotification notification) {
		if (notification.isChange()) {
			return envelope(notification).data();
		}
		// Any other JSON sent to the channel (for example with PigeonTemplate) is bound whole.
		try {
			return this.jsonMapper.readValue(notification.payload(), this.dataType);
		}
		catch (StreamReadException ex) {
			throw new RejectedNotificationException(RejectionReason.NOT_A_CHANGE, "the payload is not JSON, so it "
					+ "cannot be bound to " + this.dataType + ": take (String payload) to receive any payload sent "
					+ "to the channel");
		}
	}

	private ChangeEnvelope<?> envelope(IncomingNotification notification) {
		JavaType dataType = this.dataType;
		ChangeEnvelope<?> bound = (dataType != null) ? notification.envelope(dataType) : null;
		return (bound != null) ? bound : this.jsonMapper.readValue(notification.payload(), this.envelopeType);
	}

}
