package io.pigeon.internal.listener.notify;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.pigeon.internal.listener.DeliveryObserver;
import io.pigeon.internal.listener.ListenerEndpoint;
import io.pigeon.internal.listener.ListenerMethodSignature;
import io.pigeon.internal.listener.ListenerMetrics;
import io.pigeon.internal.listener.ListenerStatus;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.core.task.TaskExecutor;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The notify container's threads, without a database (its connection factory fails before
 * connecting): where they come from, what they are called, and that none of Pigeon's outlives
 * {@code stop()} while the application's executors are left to the application.
 */
class NotifyListenerContainerTests {

	private static final Duration BOUND = Duration.ofSeconds(30);

	private final ThreadPoolTaskExecutor appExecutor = new ThreadPoolTaskExecutor();

	private final ThreadPoolTaskScheduler appScheduler = new ThreadPoolTaskScheduler();

	@AfterEach
	void shutDownTheApplicationsExecutors() {
		this.appExecutor.shutdown();
		this.appScheduler.shutdown();
	}

	@Test
	void withPigeonsOwnExecutorsNoThreadOutlivesStop() {
		SimpleAsyncTaskExecutor dispatchExecutor = new SimpleAsyncTaskExecutor("pigeon-channel-");
		dispatchExecutor.setDaemon(true);
		NotifyListenerContainer container = container(false, dispatchExecutor, null);
		container.start();
		try {
			assertThat(container.getStatus().getState()).isIn(ListenerStatus.State.DISCONNECTED,
					ListenerStatus.State.STARTING);
			await().atMost(BOUND)
				.until(NotifyListenerContainerTests::pigeonThreads,
						(threads) -> threads.containsAll(List.of(NotificationReader.THREAD_NAME, "pigeon-channel-items")));
		}
		finally {
			container.stop();
		}
		assertThat(container.isRunning()).isFalse();
		assertThat(pigeonThreads()).isEmpty();
	}

	@Test
	void withTheApplicationsExecutorsTheirThreadsAreLeftToIt() throws Exception {
		this.appExecutor.setThreadNamePrefix("app-");
		this.appExecutor.initialize();
		this.appScheduler.setThreadNamePrefix("app-tasks-");
		this.appScheduler.initialize();
		NotifyListenerContainer container = container(false, this.appExecutor, this.appScheduler);
		container.start();
		try {
			// The application's thread says whose work it does while it does it.
			await().atMost(BOUND)
				.until(NotifyListenerContainerTests::pigeonThreads,
						(threads) -> threads.contains("pigeon-channel-items"));
			assertThat(pigeonThreads()).doesNotContain(NotifyListenerContainer.TASKS_THREAD_NAME);
		}
		finally {
			container.stop();
		}
		assertThat(pigeonThreads()).isEmpty();
		assertThat(CompletableFuture.supplyAsync(() -> Thread.currentThread().getName(), this.appExecutor)
			.get(BOUND.toSeconds(), TimeUnit.SECONDS)).startsWith("app-");
		assertThat(this.appScheduler.getScheduledExecutor().isShutdown()).isFalse();
	}

	@Test
	void failFastStartupLeavesNoThread() {
		SimpleAsyncTaskExecutor dispatchExecutor = new SimpleAsyncTaskExecutor("pigeon-channel-");
		NotifyListenerContainer container = container(true, dispatchExecutor, null);
		assertThatExceptionOfType(ListenerStartupException.class).isThrownBy(container::start)
			.withMessageContaining("connection refused (simulated)");
		assertThat(container.isRunning()).isFalse();
		assertThat(pigeonThreads()).isEmpty();
	}

	private static NotifyListenerContainer container(boolean failFast, TaskExecutor dispatchExecutor,
			@Nullable TaskScheduler taskScheduler) {
		ListenerConnectionFactory refused = new ListenerConnectionFactory("jdbc:postgresql://localhost/none", null,
				null, Duration.ofSeconds(1), new PgjdbcNotificationLatencyTuner()) {

			@Override
			public ListenerConnection open() throws java.sql.SQLException {
				throw new java.sql.SQLTransientConnectionException("connection refused (simulated)");
			}

		};
		ListenerSettings settings = new ListenerSettings(10, Duration.ofSeconds(5), Duration.ofSeconds(5),
				Duration.ofMillis(10), Duration.ofMillis(100), failFast);
		OverflowPayloadStore overflowStore = new OverflowPayloadStore(new JdbcTemplate(), "pigeon");
		NotifyListenerContainerFactory factory = new NotifyListenerContainerFactory(refused, settings,
				JsonMapper.shared(), overflowStore, ListenerMetrics.NONE, null, (event) -> {
				}, dispatchExecutor, taskScheduler, DeliveryObserver.NONE);
		Method method = ReflectionUtils.findMethod(Listener.class, "onChange", String.class);
		assertThat(method).isNotNull();
		ListenerEndpoint endpoint = new ListenerEndpoint("listener", new Listener(), method, List.of("items"),
				Set.of(), ListenerMethodSignature.of(method, Listener.class));
		return (NotifyListenerContainer) factory.createContainer(List.of(endpoint));
	}

	private static List<String> pigeonThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(Thread::isAlive)
			.map(Thread::getName)
			.filter((name) -> name.startsWith("pigeon-"))
			.toList();
	}

	static class Listener {

		void onChange(String payload) {
		}

	}

}
