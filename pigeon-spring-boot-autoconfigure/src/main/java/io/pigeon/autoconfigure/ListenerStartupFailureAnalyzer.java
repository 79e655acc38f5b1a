package io.pigeon.autoconfigure;

import io.pigeon.internal.listener.notify.ListenerStartupException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a start-up that failed because Pigeon's listener could not connect.
 *
 * @since 0.1.0
 */
class ListenerStartupFailureAnalyzer extends AbstractFailureAnalyzer<ListenerStartupException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ListenerStartupException cause) {
		String url = cause.getUrl();
		String description = "Pigeon's listener could not LISTEN" + ((url != null) ? " on " + url : "") + ":\n\n    "
				+ ((cause.getCause() != null) ? cause.getCause().getMessage() : cause.getMessage());
		if (url == null) {
			return new FailureAnalysis(description, "Set pigeon.listener.url, pigeon.listener.username and "
					+ "pigeon.listener.password, or configure the application's datasource (spring.datasource.url) "
					+ "so that the listener can use its connection details.", cause);
		}
		if (cause.isHotStandby()) {
			return new FailureAnalysis(description, "Point pigeon.listener.url at the primary server: a hot standby "
					+ "cannot LISTEN.", cause);
		}
		return new FailureAnalysis(description, "Check that PostgreSQL is reachable at that URL with the configured "
				+ "credentials (pigeon.listener.url, pigeon.listener.username and pigeon.listener.password, which "
				+ "default to the application's datasource). To start without the listener and let it keep "
				+ "reconnecting in the background, set pigeon.listener.fail-fast=false.", cause);
	}

}
