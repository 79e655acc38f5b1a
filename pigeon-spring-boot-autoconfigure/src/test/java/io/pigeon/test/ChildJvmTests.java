package io.pigeon.test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link ChildJvm} runs a main class of the test classpath in a JVM of its own, with arguments
 * and environment, captures its output, and ends it for real: {@code kill9()} with
 * {@code SIGKILL} (exit 137, shutdown hooks do not run), {@code stop()} with {@code SIGTERM}
 * (exit 143, they do).
 */
class ChildJvmTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final ChildJvm.Builder builder = ChildJvm.builder(ChildJvmTestMain.class)
		.name("child-jvm-test")
		.property("greeting", "hello")
		.environment("CHILD_JVM_GREETING", "from the environment");

	@Test
	void runsTheMainClassWithTheTestClasspathArgumentsAndEnvironment() {
		try (ChildJvm child = this.builder.start()) {
			child.awaitOutput("child pid=", TIMEOUT);
			assertThat(child.pid()).isNotEqualTo(ProcessHandle.current().pid());
			assertThat(child.output()).contains("child pid=" + child.pid() + " ")
				.contains("args=--greeting=hello env=from the environment");
			assertThat(child.isAlive()).isTrue();
			assertThat(child.getOutputFile()).exists();
		}
	}

	@Test
	void kill9EndsTheChildWithSigkillSoNoShutdownHookRuns() {
		try (ChildJvm child = this.builder.start()) {
			child.awaitOutput("child pid=", TIMEOUT);
			long pid = child.pid();
			child.kill9();
			assertThat(child.isAlive()).isFalse();
			assertThat(child.exitValue()).as("128 + SIGKILL (9)").isEqualTo(137);
			assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
			assertThat(Files.exists(Path.of("/proc/" + pid))).isFalse();
			assertThat(child.output()).doesNotContain("shutdown hook ran");
		}
	}

	@Test
	void stopEndsTheChildWithSigtermSoShutdownHooksRun() {
		try (ChildJvm child = this.builder.start()) {
			child.awaitOutput("child pid=", TIMEOUT);
			child.stop();
			assertThat(child.isAlive()).isFalse();
			assertThat(child.exitValue()).as("128 + SIGTERM (15)").isEqualTo(143);
			assertThat(child.output()).contains("shutdown hook ran");
		}
	}

	@Test
	void awaitOutputFailsAtOnceWithTheOutputWhenTheChildExitsFirst() {
		try (ChildJvm child = this.builder.argument("--exit=3").start()) {
			long started = System.nanoTime();
			assertThatExceptionOfType(AssertionError.class)
				.isThrownBy(() -> child.awaitOutput("never written", TIMEOUT))
				.withMessageContaining("exited with 3")
				.withMessageContaining("args=--greeting=hello --exit=3");
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(TIMEOUT);
		}
	}

	@Test
	void oneBuilderStartsChildrenOneAfterAnotherWithOutputsOfTheirOwn() {
		try (ChildJvm first = this.builder.start()) {
			first.awaitOutput("child pid=", TIMEOUT);
			first.kill9();
			try (ChildJvm second = this.builder.start()) {
				second.awaitOutput("child pid=", TIMEOUT);
				assertThat(second.getOutputFile()).isNotEqualTo(first.getOutputFile());
				assertThat(second.output()).contains("child pid=" + second.pid() + " ");
				assertThat(first.output()).doesNotContain("child pid=" + second.pid() + " ");
			}
		}
	}

}
