package io.pigeon.internal.listener;

import java.lang.reflect.Method;

import org.springframework.expression.EvaluationContext;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.SpelCompilerMode;
import org.springframework.expression.spel.SpelParserConfiguration;
import org.springframework.expression.spel.standard.SpelExpressionParser;

/**
 * A {@code @PigeonListener}'s {@code condition}: a SpEL expression parsed once at start-up and
 * evaluated against a {@link ChangeView} of each change. Evaluation starts interpreted and SpEL
 * compiles the expression to bytecode once it has run a few times ({@link SpelCompilerMode#MIXED}),
 * falling back to interpretation where the values' types change.
 *
 * @since 0.1.0
 */
public final class ListenerCondition {

	private static final SpelExpressionParser PARSER = new SpelExpressionParser(
			new SpelParserConfiguration(SpelCompilerMode.MIXED, ListenerCondition.class.getClassLoader()));

	private final String text;

	private final Expression expression;

	private ListenerCondition(String text, Expression expression) {
		this.text = text;
		this.expression = expression;
	}

	/**
	 * Parse a condition.
	 * @param method the method it is declared on, for the message
	 * @param text the expression
	 * @return the condition
	 * @throws InvalidPigeonListenerException if the expression cannot be parsed
	 */
	static ListenerCondition parse(Method method, String text) {
		try {
			return new ListenerCondition(text, PARSER.parseExpression(text));
		}
		catch (ParseException ex) {
			throw new InvalidPigeonListenerException(method, "has a condition that is not a valid SpEL expression ('"
					+ text + "'): " + ex.getMessage() + "; write it against #event, for example "
					+ "#event.data.status == 'PAID'", ex);
		}
	}

	/**
	 * Return the expression as written.
	 * @return the expression
	 */
	public String getText() {
		return this.text;
	}

	/**
	 * Evaluate the condition.
	 * @param change the change
	 * @return whether the listener receives the change
	 * @throws RuntimeException if the expression fails or does not yield a boolean
	 */
	boolean matches(ChangeView change) {
		EvaluationContext context = change.evaluationContext();
		Boolean result = this.expression.getValue(context, change, Boolean.class);
		if (result == null) {
			throw new IllegalStateException("The @PigeonListener condition '" + this.text + "' evaluated to null: "
					+ "make it yield true or false");
		}
		return result;
	}

}
