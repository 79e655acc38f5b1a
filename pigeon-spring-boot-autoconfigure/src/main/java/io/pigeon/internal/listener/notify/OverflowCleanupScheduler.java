package io.pigeon.internal.listener.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.ConcurrentTaskScheduler;

/**
 * Runs the {@link OverflowPayloadCleanup} every period for as long as the application runs,
 * whether or not it listens: payloads are stored by every writer, and a database whose listeners
 * are all stopped must not keep them for ever. The task runs on the application's
 * {@link TaskScheduler} when one is given, otherwise on a daemon thread
 * {@value #THREAD_NAME} of its own that ends with it; what it throws, an {@link Error} included,
 * is logged and the next run happens as planned.
 *
 * @since 0.1.0
 */
public class OverflowCleanupScheduler implements SmartLifecycle {

	static final String THREAD_NAME = "pigeon-overflow-cleanup";

	private static final long STOP_TIMEOUT_NANOS = Duration.ofSeconds(10).toNanos();

	private final OverflowPayloadCleanup cleanup;

	private final @Nullable TaskScheduler taskScheduler;

	private @Nullable ScheduledFuture<?> scheduled;

	private @Nullable ScheduledThreadPoolExecutor ownExecutor;

	private @Nullable Thread ownThread;

	/**
	 * Create a new scheduler.
	 * @param cleanup the clean-up to run
	 * @param taskScheduler the application's scheduler, or {@code null} for a thread of its own
	 */
	public OverflowCleanupScheduler(OverflowPayloadCleanup cleanup, @Nullable TaskScheduler taskScheduler) {
		this.cleanup = cleanup;
		this.taskScheduler = taskScheduler;
	}

	@Override
	public synchronized void start() {
		if (this.scheduled != null) {
			return;
		}
		TaskScheduler scheduler = (this.taskScheduler != null) ? this.taskScheduler : createOwnScheduler();
		Duration period = this.cleanup.getPeriod();
		this.scheduled = scheduler.scheduleWithFixedDelay(
				LoggedTasks.periodic("deleting expired overflow payloads", this.cleanup), Instant.now().plus(period),
				period);
	}

	private TaskScheduler createOwnScheduler() {
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, (runnable) -> {
			Thread thread = new Thread(runnable, THREAD_NAME);
			thread.setDaemon(true);
			this.ownThread = thread;
			return thread;
		});
		executor.setRemoveOnCancelPolicy(true);
		executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		this.ownExecutor = executor;
		return new ConcurrentTaskScheduler(executor);
	}

	@Override
	public synchronized void stop() {
		ScheduledFuture<?> scheduled = this.scheduled;
		if (scheduled == null) {
			return;
		}
		scheduled.cancel(false);
		this.scheduled = null;
		ScheduledThreadPoolExecutor executor = this.ownExecutor;
		if (executor == null) {
			// The application's scheduler: its threads are the application's to end.
			return;
		}
		executor.shutdown();
		long deadline = System.nanoTime() + STOP_TIMEOUT_NANOS;
		try {
			// A run in progress ends with its query; the pool closes only after this stop.
			if (!executor.awaitTermination(STOP_TIMEOUT_NANOS, TimeUnit.NANOSECONDS)) {
				executor.shutdownNow();
			}
			Thread thread = this.ownThread;
			if (thread != null) {
				thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
			}
		}
		catch (InterruptedException ex) {
			executor.shutdownNow();
			Thread.currentThread().interrupt();
		}
		this.ownExecutor = null;
		this.ownThread = null;
	}

	@Override
	public synchronized boolean isRunning() {
		return this.scheduled != null;
	}

}
