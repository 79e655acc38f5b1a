package io.pigeon.autoconfigure;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.pigeon.test.PigeonTestDatabase;
import io.pigeon.test.TestNotifier;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application whose only job is to listen keeps running after its {@code main} method has
 * returned, as long as it listens: Pigeon's reading thread is not a daemon. It stops cleanly
 * when told to (SIGTERM runs Spring Boot's shutdown hook), and without the listener the same
 * application ends by itself.
 */
class ListenerOnlyApplicationIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	@Test
	void listenerOnlyApplicationKeepsRunningUntilStopped() throws Exception {
		Application application = start();
		try {
			application.awaitLine(ListenerOnlyApplication.MAIN_RETURNED);
			try (TestNotifier notifier = new TestNotifier(PigeonTestDatabase.get())) {
				notifier.send("listener_only", "after main returned");
			}
			application.awaitLine(ListenerOnlyApplication.RECEIVED + "after main returned");
			assertThat(application.process.isAlive()).isTrue();
			application.process.destroy();
			assertThat(application.process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
				.as("stopped by SIGTERM")
				.isTrue();
		}
		finally {
			application.process.destroyForcibly();
		}
	}

	@Test
	void withoutTheListenerTheSameApplicationEndsWhenMainReturns() throws Exception {
		Application application = start("--pigeon.listener.enabled=false");
		try {
			application.awaitLine(ListenerOnlyApplication.MAIN_RETURNED);
			assertThat(application.process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
			assertThat(application.process.exitValue()).isZero();
		}
		finally {
			application.process.destroyForcibly();
		}
	}

	private static Application start(String... extraArguments) throws IOException {
		PigeonTestDatabase database = PigeonTestDatabase.get();
		List<String> command = new ArrayList<>(List.of(
				Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xshare:auto",
				"-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
				ListenerOnlyApplication.class.getName(), "--spring.datasource.url=" + database.getJdbcUrl(),
				"--spring.datasource.username=" + database.getUsername(),
				"--spring.datasource.password=" + database.getPassword(), "--pigeon.install.mode=none",
				"--logging.level.root=WARN"));
		command.addAll(List.of(extraArguments));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		return new Application(process);
	}

	private static final class Application {

		final Process process;

		final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

		Application(Process process) {
			this.process = process;
			Thread reader = new Thread(this::read, "test-child-output");
			reader.setDaemon(true);
			reader.start();
		}

		private void read() {
			try (BufferedReader reader = new BufferedReader(
					new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = reader.readLine()) != null) {
					this.lines.add(line);
				}
			}
			catch (IOException ex) {
				// The process ended.
			}
		}

		void awaitLine(String expected) throws InterruptedException {
			long deadline = System.nanoTime() + TIMEOUT.toNanos();
			List<String> seen = new ArrayList<>();
			while (System.nanoTime() < deadline) {
				String line = this.lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
				if (line == null) {
					break;
				}
				seen.add(line);
				if (line.equals(expected)) {
					return;
				}
			}
			throw new AssertionError("The application did not print '" + expected + "'; it printed " + seen);
		}

	}

}
