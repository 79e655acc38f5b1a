package io.pigeon.internal.listener;

import java.lang.reflect.Method;

import org.jspecify.annotations.Nullable;

/**
 * Thrown at start-up for a {@code @PigeonListener} method that Pigeon cannot call.
 *
 * @since 0.1.0
 */
public class InvalidPigeonListenerException extends IllegalStateException {

	private final String methodDescription;

	/**
	 * Create a new exception.
	 * @param method the method
	 * @param problem what is wrong with it and how to fix it
	 */
	public InvalidPigeonListenerException(Method method, String problem) {
		this(method, problem, null);
	}

	/**
	 * Create a new exception.
	 * @param method the method
	 * @param problem what is wrong with it and how to fix it
	 * @param cause the underlying failure, or {@code null}
	 */
	public InvalidPigeonListenerException(Method method, String problem, @Nullable Throwable cause) {
		super("@PigeonListener method '" + describe(method) + "' " + problem, cause);
		this.methodDescription = describe(method);
	}

	/**
	 * Return the method, as {@code Type.name(ParameterTypes)}.
	 * @return the method's description
	 */
	public String getMethodDescription() {
		return this.methodDescription;
	}

	static String describe(Method method) {
		Class<?> type = method.getDeclaringClass();
		String typeName = (type.getCanonicalName() != null) ? type.getCanonicalName() : type.getName();
		StringBuilder description = new StringBuilder(typeName)
			.append('.')
			.append(method.getName())
			.append('(');
		Class<?>[] types = method.getParameterTypes();
		for (int i = 0; i < types.length; i++) {
			description.append((i > 0) ? ", " : "").append(types[i].getSimpleName());
		}
		return description.append(')').toString();
	}

}
