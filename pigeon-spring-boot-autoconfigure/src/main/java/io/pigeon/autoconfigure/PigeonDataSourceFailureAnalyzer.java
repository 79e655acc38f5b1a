package io.pigeon.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a start-up that failed because Pigeon could not tell which DataSource to use, or
 * was given one that is not PostgreSQL.
 *
 * @since 0.1.0
 */
class PigeonDataSourceFailureAnalyzer extends AbstractFailureAnalyzer<PigeonDataSourceException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, PigeonDataSourceException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.getAction(), cause);
	}

}
