package io.pigeon.internal.listener.notify;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.pigeon.internal.listener.ListenerStatus;
import io.pigeon.internal.listener.PigeonListenerEndpointRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * An {@link Error} on the reading thread (for example a pgjdbc of another version on the class
 * path) ends the thread without leaving start-up waiting for ever or health reporting a listener
 * that no longer reads. No database is needed: the connection factory fails before connecting.
 */
class NotificationReaderFailureTests {

	private static final Duration BOUND = Duration.ofSeconds(30);

	@Test
	void errorOnTheFirstAttemptFailsStartupInsteadOfHangingIt() throws Exception {
		PigeonListenerEndpointRegistry registry = registry(true);
		CompletableFuture<Void> start = CompletableFuture.runAsync(registry::start);
		try {
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> start.get(BOUND.toSeconds(), TimeUnit.SECONDS))
				.havingCause()
				.isInstanceOf(ListenerStartupException.class)
				.withCauseInstanceOf(NoSuchMethodError.class);
			assertThat(registry.isRunning()).isFalse();
		}
		finally {
			stopUnlessHung(registry, start);
		}
	}

	@Test
	void errorWithoutFailFastLeavesTheListenerReportedDown() throws Exception {
		PigeonListenerEndpointRegistry registry = registry(false);
		CompletableFuture<Void> start = CompletableFuture.runAsync(registry::start);
		try {
			start.get(BOUND.toSeconds(), TimeUnit.SECONDS);
			await().atMost(BOUND)
				.until(() -> registry.getStatus().getState(), ListenerStatus.State.DISCONNECTED::equals);
			assertThat(registry.getStatus().getLastError()).contains("NoSuchMethodError");
		}
		finally {
			stopUnlessHung(registry, start);
		}
	}

	/**
	 * A start-up that hangs holds the registry's lifecycle lock: stopping would hang the test too.
	 */
	private static void stopUnlessHung(PigeonListenerEndpointRegistry registry, CompletableFuture<Void> start) {
		if (start.isDone()) {
			registry.stop();
		}
	}

	private static PigeonListenerEndpointRegistry registry(boolean failFast) {
		ListenerConnectionFactory failing = new ListenerConnectionFactory("jdbc:postgresql://localhost/none", null,
				null, Duration.ofSeconds(1), new PgjdbcNotificationLatencyTuner()) {

			@Override
			public ListenerConnection open() {
				throw new NoSuchMethodError("org.postgresql.PGProperty.set (simulated)");
			}

		};
		return OneListenerRegistry.create(failing, failFast);
	}

}
