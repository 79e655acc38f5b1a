package io.pigeon.sample;

import java.sql.SQLException;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.env.Environment;

/**
 * Explains a start-up that failed because the sample could not use its PostgreSQL database (no
 * server, login refused, no such database), and says what to do. Usually the sample's first
 * start on a new machine.
 */
class DatabaseUnavailableFailureAnalyzer implements FailureAnalyzer {

	private static final String CONNECTION_EXCEPTION = "08";

	private static final String INVALID_AUTHORIZATION = "28";

	private static final String INVALID_CATALOG_NAME = "3D000";

	private static final String POINT_AT_YOUR_SERVER = """
			point the sample at your PostgreSQL (15 or later) with the environment variables

			    export SPRING_DATASOURCE_URL=jdbc:postgresql://<host>:<port>/<database>
			    export SPRING_DATASOURCE_USERNAME=<user>
			    export SPRING_DATASOURCE_PASSWORD=<password>

			and start the sample again.""";

	private static final String USE_DOCKER = """
			With Docker running, the sample can start a PostgreSQL container for itself instead:

			    ./mvnw -pl pigeon-sample-app -am spring-boot:test-run""";

	private final Environment environment;

	DatabaseUnavailableFailureAnalyzer(Environment environment) {
		this.environment = environment;
	}

	@Override
	public @Nullable FailureAnalysis analyze(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof SQLException ex && ex.getSQLState() != null) {
				FailureAnalysis analysis = analyze(ex, ex.getSQLState());
				if (analysis != null) {
					return analysis;
				}
			}
		}
		return null;
	}

	private @Nullable FailureAnalysis analyze(SQLException ex, String sqlState) {
		String url = this.environment.getProperty("spring.datasource.url", "(no spring.datasource.url)");
		String username = this.environment.getProperty("spring.datasource.username", "(none)");
		if (sqlState.startsWith(CONNECTION_EXCEPTION)) {
			return new FailureAnalysis("The sample could not connect to PostgreSQL at " + url + ": " + ex.getMessage(),
					"Start PostgreSQL on that host and port, or " + POINT_AT_YOUR_SERVER + "\n\n" + USE_DOCKER, ex);
		}
		if (sqlState.startsWith(INVALID_AUTHORIZATION)) {
			return new FailureAnalysis(
					"PostgreSQL at " + url + " refused the login of user '" + username + "': " + ex.getMessage(),
					"Set the user and password the server accepts, or " + POINT_AT_YOUR_SERVER, ex);
		}
		if (INVALID_CATALOG_NAME.equals(sqlState)) {
			return new FailureAnalysis("The database named in " + url + " does not exist: " + ex.getMessage(),
					"Create it (for example with createdb), or " + POINT_AT_YOUR_SERVER, ex);
		}
		return null;
	}

}
