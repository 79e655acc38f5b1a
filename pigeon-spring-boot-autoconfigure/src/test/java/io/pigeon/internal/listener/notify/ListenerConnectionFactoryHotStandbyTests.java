package io.pigeon.internal.listener.notify;

import java.sql.Connection;
import java.sql.SQLNonTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;

import io.pigeon.internal.listener.ListenerStatus;
import io.pigeon.internal.listener.PigeonListenerEndpointRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.startsWith;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * The listener refuses a hot standby, where LISTEN cannot work: before any LISTEN, with a message
 * saying what to change, failing start-up by default and otherwise retrying with back-off behind
 * a single warning.
 */
@ExtendWith(OutputCaptureExtension.class)
class ListenerConnectionFactoryHotStandbyTests {

	private static final Duration BOUND = Duration.ofSeconds(30);

	private static final String OUTAGE_WARNING = "is lost or cannot be established";

	private final HotStandbyServer standby = new HotStandbyServer();

	@Test
	void openRefusesAHotStandbyAndClosesTheConnection() throws Exception {
		ListenerConnectionFactory factory = this.standby.connectionFactory();
		assertThatExceptionOfType(SQLNonTransientConnectionException.class).isThrownBy(factory::open)
			.isInstanceOf(ListenerConnectionFactory.HotStandbyException.class)
			.withMessageContaining("hot standby")
			.withMessageContaining("pg_is_in_recovery() is true")
			.withMessageContaining("LISTEN cannot work")
			.withMessageContaining("point pigeon.listener.url at the primary server");
		assertThat(this.standby.connections()).hasSize(1);
		verify(this.standby.connections().get(0)).close();
		verify(this.standby.statements().get(0), never()).execute(startsWith("LISTEN"));
	}

	@Test
	void failFastStartupFailsNamingTheStandby() throws Exception {
		PigeonListenerEndpointRegistry registry = registry(true);
		assertThatExceptionOfType(ListenerStartupException.class).isThrownBy(registry::start)
			.satisfies((ex) -> {
				assertThat(ex.isHotStandby()).isTrue();
				assertThat(ex.getUrl()).isEqualTo(HotStandbyServer.DISPLAY_URL);
				assertThat(ex.getMessage()).contains("hot standby").doesNotContain("secret");
			});
		assertThat(registry.isRunning()).isFalse();
		assertConnectionsClosedWithoutListen();
	}

	@Test
	void withoutFailFastTheStandbyIsRetriedBehindOneWarning(CapturedOutput output) throws Exception {
		PigeonListenerEndpointRegistry registry = registry(false);
		try {
			registry.start();
			await().atMost(BOUND).until(() -> this.standby.connections().size() >= 5);
			assertThat(registry.getStatus().getState()).isEqualTo(ListenerStatus.State.DISCONNECTED);
			assertThat(registry.getStatus().getLastError()).contains("hot standby");
		}
		finally {
			registry.stop();
		}
		assertThat(output.getOut().split(OUTAGE_WARNING, -1)).hasSize(2);
		assertThat(output.getOut()).contains("hot standby");
		assertConnectionsClosedWithoutListen();
	}

	private void assertConnectionsClosedWithoutListen() throws Exception {
		for (Connection connection : this.standby.connections()) {
			verify(connection).close();
		}
		for (Statement statement : this.standby.statements()) {
			verify(statement, never()).execute(startsWith("LISTEN"));
		}
	}

	private PigeonListenerEndpointRegistry registry(boolean failFast) throws Exception {
		return OneListenerRegistry.create(this.standby.connectionFactory(), failFast);
	}

}
