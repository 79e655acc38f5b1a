package io.pigeon.internal.listener.durable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.pigeon.PigeonNonRetryableException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RetryBackOff}: max-attempts counts every call, the waits grow with jitter
 * up to the maximum, and non-retryable failures are recognised in the cause chain.
 */
class RetryBackOffTests {

	@Test
	void maxAttemptsCountsEveryCallTheFirstIncluded() {
		RetryBackOff.Execution waits = new RetryBackOff(4, Duration.ofMillis(100), 2.0, Duration.ofSeconds(1)).start();
		List<Duration> delays = new ArrayList<>();
		Duration wait;
		while ((wait = waits.failed()) != null) {
			delays.add(wait);
		}
		// 4 calls: 3 waits between them
		assertThat(delays).hasSize(3);
	}

	@Test
	void waitsGrowByTheMultiplierWithJitterUpToTheMaximum() {
		RetryBackOff.Execution waits = new RetryBackOff(10, Duration.ofMillis(100), 2.0, Duration.ofMillis(350))
			.start();
		List<Long> delays = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			delays.add(waits.failed().toMillis());
		}
		// jitter of a quarter of the initial back-off around 100, 200, then the 350 ceiling
		assertThat(delays.get(0)).isBetween(75L, 125L);
		assertThat(delays.get(1)).isBetween(150L, 250L);
		assertThat(delays.subList(2, 5)).allSatisfy((delay) -> assertThat(delay).isBetween(200L, 350L));
	}

	@Test
	void oneAttemptNeverRetries() {
		assertThat(new RetryBackOff(1, Duration.ofMillis(10), 2.0, Duration.ofMillis(10)).start().failed()).isNull();
	}

	@Test
	void nonRetryableIsFoundInTheCauseChain() {
		assertThat(RetryBackOff.isNonRetryable(new PigeonNonRetryableException("bad row"))).isTrue();
		assertThat(RetryBackOff.isNonRetryable(
				new IllegalStateException("wrapped", new PigeonNonRetryableException("bad row")))).isTrue();
		assertThat(RetryBackOff.isNonRetryable(new IllegalStateException("transient"))).isFalse();
	}

	@Test
	void deadLetterStackTraceKeepsItsHead() {
		String trace = SubscriptionWorker.stackTrace(new IllegalStateException("boom"));
		assertThat(trace).startsWith("java.lang.IllegalStateException: boom")
			.contains("RetryBackOffTests.deadLetterStackTraceKeepsItsHead");
		assertThat(trace.lines().count()).isLessThanOrEqualTo(21);
	}

}
