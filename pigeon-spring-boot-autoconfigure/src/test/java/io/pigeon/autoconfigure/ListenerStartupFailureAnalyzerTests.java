package io.pigeon.autoconfigure;

import java.sql.SQLException;

import io.pigeon.listener.HotStandbyServer;
import io.pigeon.listener.ListenerConnectionFactory;
import io.pigeon.listener.ListenerStartupException;
import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link ListenerStartupFailureAnalyzer} on a start-up whose listener reached a hot standby: the
 * advice is to point at the primary, not to start without the listener.
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

	@Configuration(proxyBeanMethods = false)
	@Import(RecordingListenerApplication.class)
	static class StandbyApplication {

		@Bean
		ListenerConnectionFactory standbyConnectionFactory() throws SQLException {
			return new HotStandbyServer().connectionFactory();
		}

	}

}
