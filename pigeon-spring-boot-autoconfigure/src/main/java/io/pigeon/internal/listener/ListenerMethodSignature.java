package io.pigeon.internal.listener;

import java.lang.reflect.Method;

import io.pigeon.PigeonEvent;

import org.springframework.core.ResolvableType;

/**
 * The parameter list of a {@code @PigeonListener} method, checked at start-up: one of
 * {@code (PigeonEvent<T>)}, {@code (T data)}, {@code (String payload)} and
 * {@code (String channel, String payload)}.
 *
 * @param kind which of the supported parameter lists the method has
 * @param dataType the type {@code data} is bound to, for {@link Kind#EVENT} and {@link Kind#DATA}
 * @since 0.1.0
 */
public record ListenerMethodSignature(Kind kind, ResolvableType dataType) {

	static final String SUPPORTED = "(PigeonEvent<T> event), (T data), (String payload) or "
			+ "(String channel, String payload)";

	/**
	 * Work out the signature of a listener method.
	 * @param method the method
	 * @param targetClass the class of the bean the method is called on (resolves generics)
	 * @return the signature
	 * @throws InvalidPigeonListenerException if the parameter list is not supported
	 */
	public static ListenerMethodSignature of(Method method, Class<?> targetClass) {
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
		 * {@code (String payload)}.
		 */
		PAYLOAD,

		/**
		 * {@code (String channel, String payload)}.
		 */
		CHANNEL_AND_PAYLOAD

	}

}
