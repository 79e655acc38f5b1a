package io.pigeon.internal.listener;

import java.lang.reflect.Method;
import java.util.List;

import io.pigeon.PigeonEvent;

import org.springframework.core.KotlinDetector;
import org.springframework.core.ResolvableType;

/**
 * The parameter list of a {@code @PigeonListener} method, checked at start-up: one of
 * {@code (PigeonEvent<T>)}, {@code (T data)}, {@code (List<T> rows)} (the rows of a statement
 * with {@code include-rows}), {@code (String payload)} and {@code (String channel, String payload)}.
 * <p>
 * Pigeon resolves the parameter list itself, once, into a {@link Kind} that the method adapter
 * switches on, rather than adopting spring-messaging's {@code InvocableHandlerMethod} with
 * {@code HandlerMethodArgumentResolver}s: those work on a {@code Message<?>}, which Pigeon would
 * have to build for every delivery, and ask each resolver in turn for each parameter of each call,
 * while the four signatures need no more than one switch; the rows are bound once per type for the
 * whole channel by {@link NotificationParser}, which a resolver per method could not share. Headers
 * such as the channel and the action are on {@link PigeonEvent}. Should parameters for metadata
 * alone be wanted, they are one more {@code Kind} each, resolved here.
 * <p>
 * A Kotlin {@code suspend fun} is rejected with a message saying so: its compiled form ends with a
 * {@code kotlin.coroutines.Continuation} parameter, and calling it would take Kotlin's coroutine
 * libraries on top of Spring's {@code CoroutinesUtils}, to await the result on the dispatching
 * thread, which a plain function does already.
 *
 * @param kind which of the supported parameter lists the method has
 * @param dataType the type {@code data} is bound to, for {@link Kind#EVENT}, {@link Kind#DATA} and
 * {@link Kind#BATCH}, and each of the {@code rows}, for {@link Kind#ROWS}
 * @since 0.1.0
 */
public record ListenerMethodSignature(Kind kind, ResolvableType dataType) {

	static final String SUPPORTED = "(PigeonEvent<T> event), (T data), (List<T> rows), (String payload) or "
			+ "(String channel, String payload)";

	/**
	 * Work out the signature of a listener method.
	 * @param method the method
	 * @param targetClass the class of the bean the method is called on (resolves generics)
	 * @return the signature
	 * @throws InvalidPigeonListenerException if the parameter list is not supported
	 */
	public static ListenerMethodSignature of(Method method, Class<?> targetClass) {
		if (KotlinDetector.isSuspendingFunction(method)) {
			throw new InvalidPigeonListenerException(method, "is a Kotlin suspend function, which Pigeon does not "
					+ "support: declare it as a plain fun (it is called on its channel's own thread, so it may block), "
					+ "and call suspending code from it with runBlocking if needed");
		}
		Class<?>[] types = method.getParameterTypes();
		if (types.length == 2 && types[0] == String.class && types[1] == String.class) {
			return new ListenerMethodSignature(Kind.CHANNEL_AND_PAYLOAD, ResolvableType.NONE);
		}
		if (types.length != 1) {
			throw unsupported(method);
		}
		ResolvableType parameter = ResolvableType.forMethodParameter(method, 0, targetClass);
		if (types[0] == String.class) {
			return new ListenerMethodSignature(Kind.PAYLOAD, ResolvableType.NONE);
		}
		if (types[0] == PigeonEvent.class) {
			return new ListenerMethodSignature(Kind.EVENT, parameter.getGeneric(0));
		}
		if (types[0] == List.class && parameter.getGeneric(0).resolve() == PigeonEvent.class) {
			return new ListenerMethodSignature(Kind.BATCH, parameter.getGeneric(0).getGeneric(0));
		}
		if (types[0] == List.class) {
			return new ListenerMethodSignature(Kind.ROWS, parameter.getGeneric(0));
		}
		if (types[0].isPrimitive() || types[0].isArray()) {
			throw unsupported(method);
		}
		return new ListenerMethodSignature(Kind.DATA, parameter);
	}

	private static InvalidPigeonListenerException unsupported(Method method) {
		return new InvalidPigeonListenerException(method,
				"has an unsupported parameter list: declare " + SUPPORTED + ", where T is a record, a bean, "
						+ "a Map<String, Object> or a JsonNode");
	}

	/**
	 * The supported parameter lists.
	 */
	public enum Kind {

		/**
		 * {@code (PigeonEvent<T> event)}.
		 */
		EVENT,

		/**
		 * {@code (T data)}.
		 */
		DATA,

		/**
		 * {@code (List<T> rows)}: the rows of a statement-level change with {@code include-rows}.
		 */
		ROWS,

		/**
		 * {@code (String payload)}.
		 */
		PAYLOAD,

		/**
		 * {@code (String channel, String payload)}.
		 */
		CHANNEL_AND_PAYLOAD,

		/**
		 * {@code (List<PigeonEvent<T>> events)}: a page of events at a time, durable delivery
		 * only.
		 */
		BATCH

	}

}
