package io.pigeon.internal.listener;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Set;

import io.pigeon.PigeonAction;

/**
 * A {@code @PigeonListener} method found on a bean, with its attributes resolved.
 *
 * @param beanName the name of the bean
 * @param bean the bean, its proxy when it has one
 * @param method the method to invoke on {@code bean} (the proxy's, when there is one)
 * @param channels the channels it listens on, placeholders resolved
 * @param actions the actions it receives, empty for all
 * @param signature its parameter list
 * @since 0.1.0
 */
public record ListenerEndpoint(String beanName, Object bean, Method method, List<String> channels,
		Set<PigeonAction> actions, ListenerMethodSignature signature) {

	/**
	 * Create an endpoint.
	 */
	public ListenerEndpoint {
		channels = List.copyOf(channels);
		actions = Set.copyOf(actions);
	}

	/**
	 * Return the listener's id: today always derived from the bean's name and the method's name
	 * only ({@code beanName.methodName}), so that the same bean and method give the same id in
	 * every instance and every JVM.
	 * @return the id
	 */
	public String id() {
		return this.beanName + "." + this.method.getName();
	}

	/**
	 * Return the method as {@code Type.name(ParameterTypes)}, for messages.
	 * @return the method's description
	 */
	public String describe() {
		return InvalidPigeonListenerException.describe(this.method);
	}

}
