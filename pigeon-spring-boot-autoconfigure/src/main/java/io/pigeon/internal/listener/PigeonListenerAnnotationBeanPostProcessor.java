package io.pigeon.internal.listener;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.pigeon.PigeonAction;
import io.pigeon.PigeonErrorHandler;
import io.pigeon.PigeonListener;
import io.pigeon.internal.sql.SqlIdentifiers;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.BeanNotOfRequiredTypeException;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanExpressionContext;
import org.springframework.beans.factory.config.BeanExpressionResolver;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.StringUtils;

/**
 * Finds {@link PigeonListener @PigeonListener} methods on every bean, checks them and registers
 * them with the {@link PigeonListenerEndpointRegistry}, modelled on spring-kafka's
 * {@code KafkaListenerAnnotationBeanPostProcessor}: methods are selected with
 * {@link MethodIntrospector} on the bean's target class, classes without listeners are
 * remembered, the attributes {@code channel}, {@code channels}, {@code id} and
 * {@code autoStartup} resolve {@code ${…}} placeholders through the bean factory's embedded value
 * resolver and then {@code #{…}} expressions through its {@link BeanExpressionResolver},
 * {@code errorHandler} is looked up as a bean, {@code condition} is parsed once, and each method is
 * invoked on the bean's proxy when it has one. A method Pigeon cannot call, or an attribute it
 * cannot use, fails start-up with an {@link InvalidPigeonListenerException} naming the method.
 *
 * @since 0.1.0
 */
public class PigeonListenerAnnotationBeanPostProcessor
		implements BeanPostProcessor, Ordered, BeanFactoryAware, SmartInitializingSingleton {


	private final Set<Class<?>> nonAnnotatedClasses = ConcurrentHashMap.newKeySet();

	private final List<ListenerEndpoint> pendingEndpoints = new ArrayList<>();

	private @Nullable BeanFactory beanFactory;

	private @Nullable PigeonListenerEndpointRegistry registry;

	@Override
	public int getOrder() {
		return LOWEST_PRECEDENCE;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
		this.beanFactory = beanFactory;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		Class<?> targetClass = AopUtils.getTargetClass(bean);
		if (this.nonAnnotatedClasses.contains(targetClass)) {
			return bean;
		}
		Map<Method, PigeonListener> annotatedMethods = AnnotationUtils.isCandidateClass(targetClass,
				PigeonListener.class)
				? MethodIntrospector.selectMethods(targetClass,
						(MethodIntrospector.MetadataLookup<PigeonListener>) (method) -> AnnotatedElementUtils
							.findMergedAnnotation(method, PigeonListener.class))
				: Map.of();
		if (annotatedMethods.isEmpty()) {
			this.nonAnnotatedClasses.add(targetClass);
			return bean;
		}
		annotatedMethods.forEach((method, annotation) -> register(createEndpoint(bean, beanName, targetClass, method,
				annotation)));
		return bean;
	}

	private ListenerEndpoint createEndpoint(Object bean, String beanName, Class<?> targetClass, Method method,
			PigeonListener annotation) {
		ListenerMethodSignature signature = ListenerMethodSignature.of(method, targetClass);
		Method invocableMethod;
		try {
			invocableMethod = AopUtils.selectInvocableMethod(method, bean.getClass());
		}
		catch (IllegalStateException ex) {
			throw new InvalidPigeonListenerException(method, "cannot be called on bean '" + beanName + "': "
					+ ex.getMessage(), ex);
		}
		Set<PigeonAction> actions = Set.copyOf(Arrays.asList(annotation.actions()));
		String id = StringUtils.hasLength(annotation.id()) ? resolveText(method, "id", annotation.id())
				: ListenerEndpoint.defaultId(beanName, method);
		ListenerCondition condition = StringUtils.hasText(annotation.condition())
				? ListenerCondition.parse(method, annotation.condition()) : null;
		boolean autoStartup = resolveAutoStartup(method, annotation.autoStartup());
		return new ListenerEndpoint(beanName, bean, invocableMethod, resolveChannels(method, annotation), actions,
				signature, id, autoStartup, resolveErrorHandler(method, annotation.errorHandler()), condition,
				new ListenerControl(autoStartup), resolveTransactional(method, annotation.transactional()),
				resolveConcurrency(method, annotation.concurrency()));
	}

	private @Nullable Integer resolveConcurrency(Method method, String value) {
		if (!StringUtils.hasLength(value)) {
			return null;
		}
		Object resolved = resolve(method, "concurrency", value);
		if (resolved instanceof Integer lanes && lanes > 0 && lanes <= 1024) {
			return lanes;
		}
		if (resolved instanceof String text) {
			if (text.isEmpty()) {
				return null;
			}
			try {
				int lanes = Integer.parseInt(text.trim());
				if (lanes > 0 && lanes <= 1024) {
					return lanes;
				}
			}
			catch (NumberFormatException ex) {
				// reported below
			}
		}
		throw new InvalidPigeonListenerException(method, "has concurrency '" + value + "', which resolves to '"
				+ resolved + "': it must resolve to a number of lanes from 1 to 1024, or an empty text (for "
				+ "pigeon.durable.concurrency)");
	}

	private @Nullable Boolean resolveTransactional(Method method, String value) {
		if (!StringUtils.hasLength(value)) {
			return null;
		}
		Object resolved = resolve(method, "transactional", value);
		if (resolved instanceof Boolean transactional) {
			return transactional;
		}
		if (resolved instanceof String text) {
			if (text.isEmpty()) {
				return null;
			}
			if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
				return Boolean.parseBoolean(text);
			}
		}
		throw new InvalidPigeonListenerException(method, "has transactional '" + value + "', which resolves to '"
				+ resolved + "': it must resolve to true, false or an empty text (decided by the application's "
				+ "transaction manager)");
	}

	private boolean resolveAutoStartup(Method method, String value) {
		Object resolved = resolve(method, "autoStartup", value);
		if (resolved instanceof Boolean autoStartup) {
			return autoStartup;
		}
		if (resolved instanceof String text && (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false"))) {
			return Boolean.parseBoolean(text);
		}
		throw new InvalidPigeonListenerException(method, "has autoStartup '" + value + "', which resolves to '"
				+ resolved + "': it must resolve to true or false");
	}

	private @Nullable PigeonErrorHandler resolveErrorHandler(Method method, String value) {
		if (!StringUtils.hasLength(value)) {
			return null;
		}
		String beanName = resolveText(method, "errorHandler", value);
		try {
			return requireBeanFactory().getBean(beanName, PigeonErrorHandler.class);
		}
		catch (BeanNotOfRequiredTypeException ex) {
			throw new InvalidPigeonListenerException(method, "names errorHandler '" + beanName + "', a bean of type "
					+ ex.getActualType().getName() + ": name a bean that implements PigeonErrorHandler", ex);
		}
		catch (NoSuchBeanDefinitionException ex) {
			throw new InvalidPigeonListenerException(method, "names errorHandler '" + beanName + "', but there is "
					+ "no bean of that name: declare a PigeonErrorHandler bean named '" + beanName
					+ "', or leave errorHandler empty for the application's PigeonErrorHandler", ex);
		}
	}

	private String resolveText(Method method, String attribute, String value) {
		Object resolved = resolve(method, attribute, value);
		if (!(resolved instanceof String text) || !StringUtils.hasText(text)) {
			throw new InvalidPigeonListenerException(method, "has " + attribute + " '" + value + "', which resolves to "
					+ ((resolved instanceof String) ? "a blank text" : "'" + resolved + "'") + ": it must resolve to "
					+ "a non-blank text");
		}
		return text;
	}

	// As spring-kafka resolves its attributes: placeholders first, then a #{…} expression.
	private @Nullable Object resolve(Method method, String attribute, String value) {
		if (!(this.beanFactory instanceof ConfigurableBeanFactory beanFactory)) {
			return value;
		}
		try {
			String resolved = beanFactory.resolveEmbeddedValue(value);
			BeanExpressionResolver expressionResolver = beanFactory.getBeanExpressionResolver();
			if (resolved == null || expressionResolver == null) {
				return resolved;
			}
			return expressionResolver.evaluate(resolved, new BeanExpressionContext(beanFactory, null));
		}
		catch (BeansException | IllegalArgumentException ex) {
			throw new InvalidPigeonListenerException(method, "has " + attribute + " '" + value
					+ "' that cannot be resolved: " + ex.getMessage(), ex);
		}
	}

	private BeanFactory requireBeanFactory() {
		BeanFactory beanFactory = this.beanFactory;
		if (beanFactory == null) {
			throw new IllegalStateException("No BeanFactory set on PigeonListenerAnnotationBeanPostProcessor");
		}
		return beanFactory;
	}

	private List<String> resolveChannels(Method method, PigeonListener annotation) {
		Set<String> channels = new LinkedHashSet<>();
		if (StringUtils.hasLength(annotation.channel())) {
			channels.add(resolveChannel(method, annotation.channel()));
		}
		for (String channel : annotation.channels()) {
			channels.add(resolveChannel(method, channel));
		}
		if (channels.isEmpty()) {
			throw new InvalidPigeonListenerException(method, "names no channel: set channel or channels");
		}
		return List.copyOf(channels);
	}

	private String resolveChannel(Method method, String value) {
		Object resolved = resolve(method, "channel", value);
		if (!(resolved instanceof String channel) || !StringUtils.hasText(channel)) {
			throw new InvalidPigeonListenerException(method,
					"has a blank channel name (from '" + value + "'): name the channel its trigger notifies");
		}
		if (!SqlIdentifiers.fits(channel)) {
			throw new InvalidPigeonListenerException(method, "names channel '" + channel + "', longer than "
					+ "PostgreSQL's limit of " + SqlIdentifiers.MAX_NAME_BYTES + " bytes: choose a shorter channel name");
		}
		return channel;
	}

	private void register(ListenerEndpoint endpoint) {
		PigeonListenerEndpointRegistry registry;
		synchronized (this.pendingEndpoints) {
			registry = this.registry;
			if (registry == null) {
				// The registry depends on beans (data source, JSON mapper) that must not be
				// created this early: endpoints wait until every singleton exists.
				this.pendingEndpoints.add(endpoint);
				return;
			}
		}
		registry.registerEndpoint(endpoint);
	}

	@Override
	public void afterSingletonsInstantiated() {
		PigeonListenerEndpointRegistry registry = requireBeanFactory().getBean(PigeonListenerEndpointRegistry.class);
		List<ListenerEndpoint> endpoints;
		synchronized (this.pendingEndpoints) {
			this.registry = registry;
			endpoints = List.copyOf(this.pendingEndpoints);
			this.pendingEndpoints.clear();
		}
		endpoints.forEach(registry::registerEndpoint);
	}

}
