package io.pigeon.sample;

import java.io.IOException;
import java.net.ServerSocket;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Tests for {@link DatabaseUnavailableFailureAnalyzer}.
 */
@ExtendWith(OutputCaptureExtension.class)
class DatabaseUnavailableFailureAnalyzerTests {

	private static final String URL = "jdbc:postgresql://db.example.com:5433/shop";

	private final DatabaseUnavailableFailureAnalyzer analyzer = new DatabaseUnavailableFailureAnalyzer(
			new MockEnvironment().withProperty("spring.datasource.url", URL)
				.withProperty("spring.datasource.username", "shopper"));

	@Test
	void connectionRefusedSaysWhereToStartPostgresqlOrHowToPointAtIt() {
		FailureAnalysis analysis = analyze(new SQLException("Connection to db.example.com:5433 refused.", "08001"));
		assertThat(analysis.getDescription()).isEqualTo("The sample could not connect to PostgreSQL at " + URL
				+ ": Connection to db.example.com:5433 refused.");
		assertThat(analysis.getAction()).startsWith("Start PostgreSQL on that host and port, or point the sample")
			.contains("export SPRING_DATASOURCE_URL=jdbc:postgresql://<host>:<port>/<database>")
			.contains("export SPRING_DATASOURCE_USERNAME=<user>")
			.contains("export SPRING_DATASOURCE_PASSWORD=<password>")
			.contains("./mvnw -pl pigeon-sample-app -am spring-boot:test-run");
	}

	@Test
	void refusedLoginNamesTheUser() {
		FailureAnalysis analysis = analyze(
				new SQLException("FATAL: password authentication failed for user \"shopper\"", "28P01"));
		assertThat(analysis.getDescription()).startsWith("PostgreSQL at " + URL + " refused the login of user 'shopper'");
		assertThat(analysis.getAction()).startsWith("Set the user and password the server accepts")
			.contains("export SPRING_DATASOURCE_PASSWORD=<password>");
	}

	@Test
	void missingDatabaseAsksToCreateIt() {
		FailureAnalysis analysis = analyze(new SQLException("FATAL: database \"shop\" does not exist", "3D000"));
		assertThat(analysis.getDescription()).startsWith("The database named in " + URL + " does not exist");
		assertThat(analysis.getAction()).startsWith("Create it (for example with createdb)");
	}

	@Test
	void otherDatabaseErrorsAreLeftToOtherAnalyzers() {
		assertThat(this.analyzer.analyze(new BeanCreationException("flyway",
				new SQLException("ERROR: relation \"items\" already exists", "42P07"))))
			.isNull();
		assertThat(this.analyzer.analyze(new IllegalStateException("no SQL here"))).isNull();
	}

	@Test
	void startingWithoutADatabaseFailsWithTheAnalysis(CapturedOutput output) throws IOException {
		String url = "jdbc:postgresql://127.0.0.1:" + closedPort() + "/postgres";
		assertThatException().isThrownBy(() -> SpringApplication.run(PigeonSampleApplication.class,
				"--spring.datasource.url=" + url, "--server.port=0"));
		assertThat(output.getOut()).contains("APPLICATION FAILED TO START")
			.contains("The sample could not connect to PostgreSQL at " + url)
			.contains("export SPRING_DATASOURCE_URL=");
	}

	private FailureAnalysis analyze(SQLException cause) {
		// As Flyway or the pool reports it at start-up: wrapped in the failed bean's exception.
		FailureAnalysis analysis = this.analyzer.analyze(new BeanCreationException("flywayInitializer",
				new IllegalStateException("Unable to obtain connection from database", cause)));
		assertThat(analysis).isNotNull();
		assertThat(analysis.getCause()).isSameAs(cause);
		return analysis;
	}

	private static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
