package io.pigeon.internal.listener;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Set;

import io.pigeon.PigeonAction;
import io.pigeon.PigeonErrorHandler;
import org.jspecify.annotations.Nullable;

/**
 * A {@code @PigeonListener} method found on a bean, with its attributes resolved.
 *
 * @param beanName the name of the bean
 * @param bean the bean, its proxy when it has one
 * @param method the method to invoke on {@code bean} (the proxy's, when there is one)
 * @param channels the channels it listens on, placeholders resolved
 * @param actions the actions it receives, empty for all
 * @param signature its parameter list
 * @param id the listener's id, unique in the application
 * @param autoStartup whether it receives from the start
 * @param errorHandler told of its failures instead of the application's error handler, or
 * {@code null} for that one
 * @param condition what a change must satisfy to be delivered to it, or {@code null}
 * @param control its run-time state, set through the registry
 * @param transactional for durable delivery, whether the method runs in a transaction with the
 * acknowledgement: {@code null} for when a transaction manager of Pigeon's DataSource exists
 * @param concurrency for durable delivery, the number of lanes of the subscription, or
 * {@code null} for {@code pigeon.durable.concurrency}
 * @since 0.1.0
 */
public record ListenerEndpoint(String beanName, Object bean, Method method, List<String> channels,
		Set<PigeonAction> actions, ListenerMethodSignature signature, String id, boolean autoStartup,
		@Nullable PigeonErrorHandler errorHandler, @Nullable ListenerCondition condition, ListenerControl control,
		@Nullable Boolean transactional, @Nullable Integer concurrency) {

	/**
	 * Create an endpoint whose durable subscription has the application's number of lanes.
	 */
	public ListenerEndpoint(String beanName, Object bean, Method method, List<String> channels,
			Set<PigeonAction> actions, ListenerMethodSignature signature, String id, boolean autoStartup,
			@Nullable PigeonErrorHandler errorHandler, @Nullable ListenerCondition condition, ListenerControl control,
			@Nullable Boolean transactional) {
		this(beanName, bean, method, channels, actions, signature, id, autoStartup, errorHandler, condition, control,
				transactional, null);
	}

	/**
	 * Create an endpoint.
	 */
	public ListenerEndpoint {
		channels = List.copyOf(channels);
		actions = Set.copyOf(actions);
	}

	/**
	 * Create an endpoint whose durable transactions are decided by the application's
	 * transaction manager.
	 * @param beanName the name of the bean
	 * @param bean the bean, its proxy when it has one
	 * @param method the method to invoke on {@code bean}
	 * @param channels the channels it listens on
	 * @param actions the actions it receives, empty for all
	 * @param signature its parameter list
	 * @param id the listener's id
	 * @param autoStartup whether it receives from the start
	 * @param errorHandler its own error handler, or {@code null}
	 * @param condition its condition, or {@code null}
	 * @param control its run-time state
	 */
	public ListenerEndpoint(String beanName, Object bean, Method method, List<String> channels,
			Set<PigeonAction> actions, ListenerMethodSignature signature, String id, boolean autoStartup,
			@Nullable PigeonErrorHandler errorHandler, @Nullable ListenerCondition condition,
			ListenerControl control) {
		this(beanName, bean, method, channels, actions, signature, id, autoStartup, errorHandler, condition, control,
				null);
	}

	/**
	 * Return this endpoint restricted to some of its channels (one delivery mode's), sharing
	 * its run-time state.
	 * @param channels the channels, a subset of {@link #channels()}
	 * @return the endpoint
	 */
	public ListenerEndpoint withChannels(List<String> channels) {
		return new ListenerEndpoint(this.beanName, this.bean, this.method, channels, this.actions, this.signature,
				this.id, this.autoStartup, this.errorHandler, this.condition, this.control, this.transactional,
				this.concurrency);
	}

	/**
	 * Create an endpoint with the defaults of {@code @PigeonListener}'s optional attributes: the
	 * id {@link #defaultId derived} from the bean and the method, started with the application,
	 * the application's error handler and no condition.
	 * @param beanName the name of the bean
	 * @param bean the bean, its proxy when it has one
	 * @param method the method to invoke on {@code bean}
	 * @param channels the channels it listens on
	 * @param actions the actions it receives, empty for all
	 * @param signature its parameter list
	 */
	public ListenerEndpoint(String beanName, Object bean, Method method, List<String> channels,
			Set<PigeonAction> actions, ListenerMethodSignature signature) {
		this(beanName, bean, method, channels, actions, signature, defaultId(beanName, method), true, null, null,
				new ListenerControl(true));
	}

	/**
	 * Return the id of a listener that does not set one: derived from the bean's name and the
	 * method's name only ({@code beanName.methodName}), so that the same bean and method give the
	 * same id in every instance and every JVM.
	 * @param beanName the name of the bean
	 * @param method the method
	 * @return the id
	 */
	public static String defaultId(String beanName, Method method) {
		return beanName + "." + method.getName();
	}

	/**
	 * Return the method as {@code Type.name(ParameterTypes)}, for messages.
	 * @return the method's description
	 */
	public String describe() {
		return InvalidPigeonListenerException.describe(this.method);
	}

}
