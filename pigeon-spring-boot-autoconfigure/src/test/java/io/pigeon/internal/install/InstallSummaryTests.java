package io.pigeon.internal.install;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InstallSummary}.
 */
class InstallSummaryTests {

	@Test
	void readsAsOneLogLine() {
		assertThat(new InstallSummary(2, 3, 1, Duration.ofMillis(41)))
			.hasToString("Pigeon: 2 triggers installed, 3 unchanged, 1 removed (41 ms)");
	}

	@Test
	void countsOneTriggerInTheSingular() {
		assertThat(new InstallSummary(1, 0, 0, Duration.ofNanos(1_900_000)))
			.hasToString("Pigeon: 1 trigger installed, 0 unchanged, 0 removed (1 ms)");
	}

}
