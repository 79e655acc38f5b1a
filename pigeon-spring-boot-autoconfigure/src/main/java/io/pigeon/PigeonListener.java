package io.pigeon;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.pigeon.internal.listener.PigeonListenerReflectiveProcessor;

import org.springframework.aot.hint.annotation.Reflective;

/**
 * Marks a method of a Spring bean as the target of notifications on one or more PostgreSQL
 * channels.
 * <p>
 * The method is invoked through the bean's proxy when it has one, so a {@code @Transactional}
 * listener runs in a transaction. Supported parameter lists:
 * <ul>
 * <li>{@code (PigeonEvent<T> event)}: the whole change, with {@code data} bound to {@code T};</li>
 * <li>{@code (T data)}: the changed row bound to a record, a POJO, a {@code Map<String, Object>}
 * or a Jackson {@code JsonNode};</li>
 * <li>{@code (String payload)} and {@code (String channel, String payload)}: the raw JSON;</li>
 * <li>{@code (List<PigeonEvent<T>> events)}: a page of events at a time, on durable channels
 * only.</li>
 * </ul>
 * On a channel whose triggers have {@code delivery: durable} (or that
 * {@code pigeon.durable.channels} names), each method is a subscription of its own to Pigeon's
 * change log, identified by its {@link #id()}: delivered at least once, retried, and run in a
 * transaction with its acknowledgement as {@link #transactional()} says.
 * Any other parameter list fails start-up with a message naming the method, and so does a Kotlin
 * {@code suspend fun}.
 * <p>
 * Each listener has an {@link #id()}; through the {@link PigeonListenerRegistry} bean it can be
 * stopped, started, paused and resumed at run time, and {@link #autoStartup()} decides whether it
 * receives from the start. {@link #errorHandler()} names the {@link PigeonErrorHandler} told of its
 * failures and {@link #condition()} filters the changes it receives.
 *
 * @since 0.1.0
 * @see PigeonEvent
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Reflective(PigeonListenerReflectiveProcessor.class)
public @interface PigeonListener {

	/**
	 * The channel to listen on. Either this or {@link #channels()} must be set; both may hold
	 * {@code ${…}} placeholders.
	 * @return the channel name
	 */
	String channel() default "";

	/**
	 * The channels to listen on, as an alternative to {@link #channel()}.
	 * @return the channel names
	 */
	String[] channels() default {};

	/**
	 * The actions to deliver; empty (the default) delivers every action.
	 * @return the actions this listener receives
	 */
	PigeonAction[] actions() default {};

	/**
	 * The listener's id, unique in the application, by which the {@link PigeonListenerRegistry}
	 * finds it; {@code ${…}} placeholders and {@code #{…}} expressions are resolved. Empty (the
	 * default) derives it from the bean's name and the method's name: {@code beanName.methodName}.
	 * On a durable channel the id is also the subscription's id, under which its position is
	 * stored in the database: set it explicitly there, so that renaming the bean or the method
	 * does not start a new subscription.
	 * @return the id
	 */
	String id() default "";

	/**
	 * Whether the listener receives changes from the start ({@code "true"}, the default) or
	 * only once started through the {@link PigeonListenerRegistry}; {@code ${…}} placeholders and
	 * {@code #{…}} expressions are resolved to {@code true} or {@code false}.
	 * @return {@code "true"} or {@code "false"}, or what resolves to either
	 */
	String autoStartup() default "true";

	/**
	 * The name of the {@link PigeonErrorHandler} bean told of this listener's failures, instead of
	 * the application's {@code PigeonErrorHandler} bean (the default); {@code ${…}} placeholders are
	 * resolved.
	 * @return the bean name, empty for the default
	 */
	String errorHandler() default "";

	/**
	 * A SpEL expression a change must satisfy to be delivered, evaluated against the change
	 * before the method's arguments are bound, for example {@code #event.data.status == 'PAID'}.
	 * The change is both the root object and the variable {@code #event}, with {@code channel},
	 * {@code action} (a {@link PigeonAction}), {@code schema}, {@code table}, {@code count},
	 * {@code payload}, and {@code data} and {@code old} as maps of column to value ({@code null}
	 * when absent). A condition that fails is reported to the listener's error handler and the
	 * change is not delivered to it. Empty (the default) delivers every change.
	 * @return the expression, empty for none
	 */
	String condition() default "";

	/**
	 * Whether a listener on a durable channel runs in a transaction with the acknowledgement of
	 * the event it processes, so that its database work and the subscription's position commit
	 * together or not at all: {@code "true"}, {@code "false"}, or empty (the default) for
	 * {@code true} when the application has a {@code PlatformTransactionManager} for Pigeon's
	 * DataSource. {@code "true"} without one fails start-up. {@code ${…}} placeholders and
	 * {@code #{…}} expressions are resolved. Ignored in notify mode.
	 * @return {@code "true"}, {@code "false"}, or empty for the default
	 * @since 0.2.0
	 */
	String transactional() default "";

	/**
	 * The number of lanes of a listener on a durable channel: each lane delivers the changes of
	 * its share of the keys (the trigger's {@code key}, by default the table's primary key) in
	 * order, in parallel with the other lanes, and the lanes are shared among the running
	 * instances. Empty (the default) for {@code pigeon.durable.concurrency}. {@code ${…}}
	 * placeholders and {@code #{…}} expressions are resolved. Ignored in notify mode.
	 * @return the number of lanes, or empty for the default
	 * @since 0.2.0
	 */
	String concurrency() default "";

}
