package io.pigeon.autoconfigure;

import java.sql.SQLException;
import java.time.Duration;

import io.pigeon.internal.listener.notify.HotStandbyServer;
import io.pigeon.internal.listener.notify.ListenerConnectionFactory;
import io.pigeon.internal.listener.notify.ListenerStartupException;
import io.pigeon.internal.listener.notify.PgjdbcNotificationLatencyTuner;
import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@link ListenerStartupFailureAnalyzer} on the failures that need advice of their own: a hot
 * standby (point at the primary, not start without the listener) and no known URL.
 */
class ListenerStartupFailureAnalyzerTests {

	@Test
	void hotStandbyAtStartupIsExplainedWithTheFix() {
		assertThatExceptionOfType(Exception.class)
			.isThrownBy(() -> ListenerTestApplication.run(StandbyApplication.class))
			.satisfies((failure) -> {
				FailureAnalysis analysis = new ListenerStartupFailureAnalyzer().analyze(failure);
				assertThat(analysis).isNotNull();
				assertThat(analysis.getCause()).isInstanceOf(ListenerStartupException.class);
				assertThat(analysis.getDescription()).contains(HotStandbyServer.DISPLAY_URL)
					.contains("hot standby")
					.contains("LISTEN cannot work")
					.doesNotContain("secret");
				assertThat(analysis.getAction()).contains("Point pigeon.listener.url at the primary server")
					.doesNotContain("fail-fast");
			});
	}

	@Test
	void missingUrlIsExplainedWithoutAnUnknownUrl() {
		ListenerConnectionFactory factory = new ListenerConnectionFactory(null, null, null, Duration.ofSeconds(1),
				new PgjdbcNotificationLatencyTuner());
		// A lambda, not factory::open: a method reference cannot name the package-private ListenerConnection.
		SQLException noUrl = catchThrowableOfType(SQLException.class, () -> factory.open());
		ListenerStartupException failure = new ListenerStartupException(factory.getDisplayUrl(), noUrl);
		assertThat(failure.getMessage()).startsWith("Pigeon's listener could not LISTEN: ")
			.contains("Set pigeon.listener.url")
			.doesNotContain("null");
		FailureAnalysis analysis = new ListenerStartupFailureAnalyzer().analyze(failure);
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription()).startsWith("Pigeon's listener could not LISTEN:")
			.contains("has no JDBC URL")
			.doesNotContain("null");
		assertThat(analysis.getAction()).contains("pigeon.listener.url", "spring.datasource.url")
			.doesNotContain("at that URL");
	}

	@Configuration(proxyBeanMethods = false)
	@Import(RecordingListenerApplication.class)
	static class StandbyApplication {

		@Bean
		ListenerConnectionFactory standbyConnectionFactory() throws SQLException {
			return new HotStandbyServer().connectionFactory();
		}

	}

}
