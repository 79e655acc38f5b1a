package io.pigeon.autoconfigure;

import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import io.pigeon.PigeonListener;
import io.pigeon.test.PigeonTestDatabase;
import io.pigeon.test.TestNotifier;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What an application with listeners on two channels has once its start-up completes: LISTEN
 * already committed on every channel, and threads that say they are Pigeon's.
 */
class PigeonListenerStartupIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final String FIRST = "startup_first";

	private static final String SECOND = "startup_second";

	@Test
	void listenIsLiveWhenStartupCompletes() throws Exception {
		try (TestNotifier notifier = new TestNotifier(PigeonTestDatabase.get());
				ConfigurableApplicationContext context = ListenerTestApplication.run(TwoChannelApplication.class)) {
			// No wait of any kind between start-up and the writes: a LISTEN still under way when
			// run() returns would lose them, as PostgreSQL keeps nothing for a later listener.
			notifier.send(FIRST, "right after start-up");
			notifier.send(SECOND, "right after start-up");
			await().atMost(TIMEOUT).until(() -> recorded(context, FIRST) == 1 && recorded(context, SECOND) == 1);
			assertThat(context.getBean(Recorder.class).get(FIRST)).containsExactly("right after start-up");
			assertThat(context.getBean(Recorder.class).get(SECOND)).containsExactly("right after start-up");
		}
	}

	@Test
	void everyThreadPigeonStartsIsNamedPigeon() throws Exception {
		try (TestNotifier notifier = new TestNotifier(PigeonTestDatabase.get())) {
			Set<Thread> before = aliveThreads();
			List<String> started;
			try (ConfigurableApplicationContext context = ListenerTestApplication.run(TwoChannelApplication.class)) {
				List<String> afterStartup = startedSince(before);
				notifier.send(FIRST, "first");
				notifier.send(SECOND, "second");
				// Polled on this thread: Awaitility's own poller would be a new thread.
				await().pollInSameThread()
					.atMost(TIMEOUT)
					.until(() -> recorded(context, FIRST) == 1 && recorded(context, SECOND) == 1);
				started = union(afterStartup, startedSince(before));
			}
			// pigeon-listener-tasks starts with the first event only (none here).
			assertThat(started).contains("pigeon-listener", "pigeon-overflow-cleanup", "pigeon-channel-" + FIRST,
					"pigeon-channel-" + SECOND);
			assertThat(started).allSatisfy((name) -> assertThat(name).startsWith("pigeon-"));
		}
	}

	private static Set<Thread> aliveThreads() {
		Set<Thread> threads = Collections.newSetFromMap(new IdentityHashMap<>());
		threads.addAll(Thread.getAllStackTraces().keySet());
		return threads;
	}

	/**
	 * The names of threads started since the snapshot, leaving out the pool's and the driver's
	 * (the application's DataSource and the driver start those, not Pigeon).
	 */
	private static List<String> startedSince(Set<Thread> before) {
		return aliveThreads().stream()
			.filter((thread) -> !before.contains(thread))
			.map(Thread::getName)
			.filter((name) -> !name.startsWith("HikariPool-") && !name.startsWith("PostgreSQL-JDBC-"))
			.toList();
	}

	private static List<String> union(List<String> first, List<String> second) {
		return Stream.concat(first.stream(), second.stream()).distinct().toList();
	}

	private static int recorded(ConfigurableApplicationContext context, String channel) {
		return context.getBean(Recorder.class).count(channel);
	}

	@Configuration(proxyBeanMethods = false)
	@Import(ListenerTestApplication.class)
	static class TwoChannelApplication {

		@Bean
		TwoChannelListener twoChannelListener(Recorder recorder) {
			return new TwoChannelListener(recorder);
		}

	}

	static class TwoChannelListener {

		private final Recorder recorder;

		TwoChannelListener(Recorder recorder) {
			this.recorder = recorder;
		}

		@PigeonListener(channels = { FIRST, SECOND })
		void onChange(String channel, String payload) {
			this.recorder.record(channel, payload);
		}

	}

}
