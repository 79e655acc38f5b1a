package io.pigeon.internal.listener.notify;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ReconnectBackoff}.
 */
class ReconnectBackoffTests {

	@Test
	void ceilingDoublesUpToTheMaximumAndDelaysStayInItsUpperHalf() {
		assertThat(delays(new ReconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(1), () -> 0.0), 6))
			.containsExactly(50L, 100L, 200L, 400L, 500L, 500L);
		assertThat(delays(new ReconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(1), () -> 0.5), 6))
			.containsExactly(75L, 150L, 300L, 600L, 750L, 750L);
	}

	@Test
	void resetStartsFromTheInitialBackoffAgain() {
		ReconnectBackoff backoff = new ReconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(30), () -> 0.0);
		delays(backoff, 5);
		backoff.reset();
		assertThat(backoff.next()).isEqualTo(Duration.ofMillis(50));
	}

	@Test
	void maximumBelowTheInitialBackoffCapsEveryDelay() {
		assertThat(delays(new ReconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1), () -> 0.0), 3))
			.containsExactly(1000L, 1000L, 1000L);
	}

	private static List<Long> delays(ReconnectBackoff backoff, int count) {
		List<Long> delays = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			delays.add(backoff.next().toMillis());
		}
		return delays;
	}

}
