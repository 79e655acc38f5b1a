package io.pigeon.internal.sql;

import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;

/**
 * One way in which a {@link TriggerDefinition} breaks the {@link TriggerRules}, tagged by the
 * trigger key it concerns so that a caller can name the key in its own terms (the installer as
 * a property path, the generator as the key itself).
 *
 * @param key the kebab-case trigger key, e.g. {@code events}, {@code level}, {@code update-of}
 * @param index the index of the element of the list key, or {@code null} when the violation
 * concerns the key as a whole
 * @param problem what is wrong, in lower case, e.g. {@code update-of needs the update event}
 * @param fix how to fix it, given how to name other keys
 * @since 0.1.0
 */
public record TriggerViolation(String key, @Nullable Integer index, String problem, Fix fix) {

	/**
	 * Return the key, with the element's index if there is one, e.g. {@code events[1]}.
	 * @return the location
	 */
	public String location() {
		return (this.index != null) ? this.key + "[" + this.index + "]" : this.key;
	}

	/**
	 * Return how to fix the violation.
	 * @param keyName how to name a trigger key the fix refers to, e.g. as its property path
	 * @return the fix, one or more sentences
	 */
	public String fix(UnaryOperator<String> keyName) {
		return this.fix.describe(keyName);
	}

	/**
	 * How to fix a violation, in terms of the trigger's keys.
	 */
	@FunctionalInterface
	public interface Fix {

		/**
		 * Describe the fix.
		 * @param keyName how to name a trigger key, e.g. {@code level}
		 * @return the fix
		 */
		String describe(UnaryOperator<String> keyName);

	}

}
