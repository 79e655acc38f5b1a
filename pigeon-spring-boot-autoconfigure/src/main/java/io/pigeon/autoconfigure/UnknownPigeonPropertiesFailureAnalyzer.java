package io.pigeon.autoconfigure;

import java.util.stream.Collectors;

import io.pigeon.autoconfigure.UnknownPigeonPropertiesException.UnknownKey;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an {@link UnknownPigeonPropertiesException} at start-up: each unknown key with its
 * property path and where it was set, and the nearest valid key.
 */
class UnknownPigeonPropertiesFailureAnalyzer extends AbstractFailureAnalyzer<UnknownPigeonPropertiesException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, UnknownPigeonPropertiesException cause) {
		String description = cause.getUnknownKeys()
			.stream()
			.map(UnknownPigeonPropertiesFailureAnalyzer::describe)
			.collect(Collectors.joining(System.lineSeparator(),
					"Pigeon's configuration contains keys that Pigeon does not know (they would be ignored):"
							+ System.lineSeparator() + System.lineSeparator(),
					""));
		String action = cause.getUnknownKeys()
			.stream()
			.map(UnknownPigeonPropertiesFailureAnalyzer::action)
			.collect(Collectors.joining(System.lineSeparator(),
					"Correct or remove each key and restart:" + System.lineSeparator() + System.lineSeparator(), ""));
		return new FailureAnalysis(description, action, cause);
	}

	private static String describe(UnknownKey key) {
		return "    " + key.path() + ": unknown key `" + key.key() + "`"
				+ ((key.origin() != null) ? " (from " + key.origin() + ")" : "");
	}

	private static String action(UnknownKey key) {
		String valid = "valid keys there: " + String.join(", ", key.validKeys());
		return "    " + key.path() + ": "
				+ ((key.suggestion() != null) ? "did you mean `" + key.suggestion() + "`? (" + valid + ")" : valid);
	}

}
