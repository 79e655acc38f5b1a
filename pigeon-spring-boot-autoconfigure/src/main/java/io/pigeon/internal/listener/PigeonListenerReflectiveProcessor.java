package io.pigeon.internal.listener;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;

import io.pigeon.PigeonListener;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.ReflectionHints;
import org.springframework.aot.hint.annotation.ReflectiveProcessor;
import org.springframework.aot.hint.annotation.SimpleReflectiveProcessor;
import org.springframework.core.ResolvableType;

/**
 * Registers, for a native image, what Pigeon does reflectively with a
 * {@link PigeonListener @PigeonListener} method: it invokes the method, and binds rows with
 * Jackson to the type the method takes ({@code T} of {@code (PigeonEvent<T> event)} or
 * {@code (T data)}), so that type gets binding hints as with {@code @RegisterReflectionForBinding}.
 * <p>
 * {@code @PigeonListener} is meta-annotated with {@code @Reflective} naming this processor, so
 * Spring's AOT processing applies it to every {@code @PigeonListener} method of every bean.
 *
 * @since 0.1.0
 */
public final class PigeonListenerReflectiveProcessor implements ReflectiveProcessor {

	private final ReflectiveProcessor invocation = new SimpleReflectiveProcessor();

	private final BindingReflectionHintsRegistrar bindingHints = new BindingReflectionHintsRegistrar();

	@Override
	public void registerReflectionHints(ReflectionHints hints, AnnotatedElement element) {
		this.invocation.registerReflectionHints(hints, element);
		if (element instanceof Method method) {
			ResolvableType boundType = boundType(method);
			if (boundType.resolve() != null) {
				this.bindingHints.registerReflectionHints(hints, boundType.getType());
			}
		}
	}

	private static ResolvableType boundType(Method method) {
		try {
			return ListenerMethodSignature.of(method, method.getDeclaringClass()).dataType();
		}
		catch (InvalidPigeonListenerException ex) {
			// Start-up refuses the method with a message naming it: nothing is ever bound for it.
			return ResolvableType.NONE;
		}
	}

}
