package io.pigeon.autoconfigure;

import io.pigeon.internal.listener.InvalidPigeonListenerException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a start-up that failed on a {@code @PigeonListener} method Pigeon cannot call.
 *
 * @since 0.1.0
 */
class InvalidPigeonListenerFailureAnalyzer extends AbstractFailureAnalyzer<InvalidPigeonListenerException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidPigeonListenerException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"Fix @PigeonListener method " + cause.getMethodDescription() + " as described above.", cause);
	}

}
