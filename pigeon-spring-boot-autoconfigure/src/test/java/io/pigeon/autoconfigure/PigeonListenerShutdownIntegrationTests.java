package io.pigeon.autoconfigure;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.pigeon.PigeonListener;
import io.pigeon.internal.listener.ListenerStatus;
import io.pigeon.internal.listener.PigeonListenerEndpointRegistry;
import io.pigeon.test.PigeonTestDatabase;
import io.pigeon.test.TestNotifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Graceful shutdown: reading stops first, what was received is delivered and in-flight listener
 * calls finish within {@code pigeon.listener.shutdown-timeout}, calls that overrun it are
 * interrupted, and no Pigeon thread survives the context.
 */
@ExtendWith(OutputCaptureExtension.class)
class PigeonListenerShutdownIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@Test
	void shutdownLetsInFlightCallsFinishAndDeliversWhatWasReceived() throws Exception {
		ConfigurableApplicationContext context = ListenerTestApplication.run(Config.class,
				"pigeon.listener.shutdown-timeout=20s");
		WorkingListener listener = context.getBean(WorkingListener.class);
		Recorder recorder = context.getBean(Recorder.class);
		PigeonListenerEndpointRegistry registry = context.getBean(PigeonListenerEndpointRegistry.class);
		try (TestNotifier notifier = new TestNotifier(PigeonTestDatabase.get())) {
			for (int n = 1; n <= 4; n++) {
				notifier.send("work", "job " + n);
			}
		}
		assertThat(listener.entered.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		await().atMost(TIMEOUT).until(() -> registry.getPending("work") == 3);
		PigeonHealthIndicator health = context.getBean(PigeonHealthIndicator.class);
		CompletableFuture<Void> close = CompletableFuture.runAsync(context::close);
		await().atMost(TIMEOUT).until(() -> registry.getStatus().getState() == ListenerStatus.State.STOPPED);
		assertThat(close).isNotDone();
		// The application still serves health checks while its listeners finish.
		assertThat(CompletableFuture.supplyAsync(health::health).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
			.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
		listener.release.countDown();
		close.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		assertThat(recorder.get("work")).containsExactly("job 1", "job 2", "job 3", "job 4");
		assertThat(PigeonThreads.alive()).isEmpty();
	}

	@Test
	void shutdownInterruptsCallsThatOverrunTheTimeout() throws Exception {
		ConfigurableApplicationContext context = ListenerTestApplication.run(Config.class,
				"pigeon.listener.shutdown-timeout=500ms");
		WorkingListener listener = context.getBean(WorkingListener.class);
		Recorder recorder = context.getBean(Recorder.class);
		try (TestNotifier notifier = new TestNotifier(PigeonTestDatabase.get())) {
			notifier.send("work", "never finishes");
			notifier.send("work", "never starts");
		}
		assertThat(listener.entered.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		// The listener never returns by itself: shutdown completing at all, with the call
		// interrupted, is the point. The bound, 60 times the timeout, only tells "bounded" from
		// "held for ever" on a busy machine.
		CompletableFuture<Void> close = CompletableFuture.runAsync(context::close);
		try {
			close.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		}
		finally {
			listener.release.countDown();
		}
		assertThat(listener.interrupted).isTrue();
		assertThat(recorder.get("work")).containsExactly("never finishes");
		assertThat(PigeonThreads.alive()).isEmpty();
	}

	@Test
	void stopInterruptedWhileWaitingLeavesNoThreadEither() throws Exception {
		try (ConfigurableApplicationContext context = ListenerTestApplication.run(Config.class)) {
			PigeonListenerEndpointRegistry registry = context.getBean(PigeonListenerEndpointRegistry.class);
			// Interrupted while it waits for Pigeon's threads: it gives up waiting, not cleaning up.
			Thread.currentThread().interrupt();
			try {
				registry.stop();
			}
			finally {
				assertThat(Thread.interrupted()).as("interrupt kept for the caller").isTrue();
			}
			// The overflow clean-up is the application's, not the listener's: it runs until the context closes.
			await().atMost(TIMEOUT)
				.until(PigeonThreads::alive, (threads) -> threads.stream().allMatch((thread) -> thread.equals("pigeon-overflow-cleanup") || thread.equals("pigeon-durable-maintenance")));
		}
	}

	@Test
	void shutdownStopsEveryChannelWithinOneDeadline(CapturedOutput output) throws Exception {
		// "work" sorts first: stopped one after another, it would spend the whole time-out and
		// "x-quick", whose call ends well within it, would be interrupted and reported late.
		ConfigurableApplicationContext context = ListenerTestApplication.run(TwoChannelsConfig.class,
				"pigeon.listener.shutdown-timeout=3s");
		WorkingListener slow = context.getBean(WorkingListener.class);
		QuickListener quick = context.getBean(QuickListener.class);
		try (TestNotifier notifier = new TestNotifier(PigeonTestDatabase.get())) {
			notifier.send("work", "never finishes");
			notifier.send("x-quick", "finishes soon");
		}
		assertThat(slow.entered.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(quick.entered.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		CompletableFuture<Void> close = CompletableFuture.runAsync(context::close);
		try {
			close.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		}
		finally {
			slow.release.countDown();
		}
		assertThat(quick.finished).isTrue();
		assertThat(quick.interrupted).isFalse();
		assertThat(slow.interrupted).isTrue();
		assertThat(output).contains("channel 'work' did not finish").doesNotContain("channel 'x-quick'");
		assertThat(PigeonThreads.alive()).isEmpty();
	}

	@Configuration(proxyBeanMethods = false)
	@Import(Config.class)
	static class TwoChannelsConfig {

		@Bean
		QuickListener quickListener() {
			return new QuickListener();
		}

	}

	static class QuickListener {

		final CountDownLatch entered = new CountDownLatch(1);

		final AtomicBoolean finished = new AtomicBoolean();

		final AtomicBoolean interrupted = new AtomicBoolean();

		private final CountDownLatch never = new CountDownLatch(1);

		@PigeonListener(channel = "x-quick")
		void work(String payload) {
			this.entered.countDown();
			try {
				// Work that takes a while but ends well within the shutdown time-out.
				this.never.await(1, TimeUnit.SECONDS);
				this.finished.set(true);
			}
			catch (InterruptedException ex) {
				this.interrupted.set(true);
				Thread.currentThread().interrupt();
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Import(ListenerTestApplication.class)
	static class Config {

		@Bean
		WorkingListener workingListener(Recorder recorder) {
			return new WorkingListener(recorder);
		}

	}

	static class WorkingListener {

		final CountDownLatch entered = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		final AtomicBoolean interrupted = new AtomicBoolean();

		private final Recorder recorder;

		WorkingListener(Recorder recorder) {
			this.recorder = recorder;
		}

		@PigeonListener(channel = "work")
		void work(String payload) {
			this.recorder.record("work", payload);
			this.entered.countDown();
			try {
				this.release.await();
			}
			catch (InterruptedException ex) {
				this.interrupted.set(true);
				Thread.currentThread().interrupt();
			}
		}

	}

}
