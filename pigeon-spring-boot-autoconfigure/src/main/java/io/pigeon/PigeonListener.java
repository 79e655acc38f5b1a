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
 * <li>{@code (String payload)} and {@code (String channel, String payload)}: the raw JSON.</li>
 * </ul>
 * Any other parameter list fails start-up with a message naming the method.
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

}
