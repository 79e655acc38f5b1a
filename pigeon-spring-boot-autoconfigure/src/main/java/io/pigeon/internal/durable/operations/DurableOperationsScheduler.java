package io.pigeon.internal.durable.operations;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.ConcurrentTaskScheduler;
import org.springframework.scheduling.support.TaskUtils;

/**
 * Runs the {@link LogMaintenance} every {@code pigeon.durable.maintenance-interval} and samples
 * the {@link DurableStatus} every {@link DurableStatus#getPeriod() period}, for as long as the
 * application runs, listening or not, like the overflow clean-up: on the application's
 * {@link TaskScheduler} ({@code pigeonListenerTaskScheduler}) when there is one, otherwise on a
 * daemon thread {@value #THREAD_NAME}. What a run throws is logged; the next run happens as
 * planned.
 * <p>
 * Internal: not an API.
 */
public final class DurableOperationsScheduler implements SmartLifecycle {

	static final String THREAD_NAME = "pigeon-durable-maintenance";

	private static final Log logger = LogFactory.getLog(DurableOperationsScheduler.class);

	private static final long STOP_TIMEOUT_NANOS = Duration.ofSeconds(10).toNanos();

	private final @Nullable LogMaintenance maintenance;

	private final Duration maintenanceInterval;

	private final @Nullable DurableStatus status;

	private final @Nullable TaskScheduler taskScheduler;

	private final List<ScheduledFuture<?>> scheduled = new ArrayList<>();

	private @Nullable ScheduledThreadPoolExecutor ownExecutor;

	/**
	 * Create the scheduler.
	 * @param maintenance the maintenance, or {@code null} for none
	 * @param maintenanceInterval how often to run it
	 * @param status the status to sample, or {@code null} for none
	 * @param taskScheduler the application's scheduler, or {@code null} for a thread of its own
	 */
	public DurableOperationsScheduler(@Nullable LogMaintenance maintenance, Duration maintenanceInterval,
			@Nullable DurableStatus status, @Nullable TaskScheduler taskScheduler) {
		this.maintenance = maintenance;
		this.maintenanceInterval = maintenanceInterval;
		this.status = status;
		this.taskScheduler = taskScheduler;
	}

	@Override
	public synchronized void start() {
		if (!this.scheduled.isEmpty()) {
			return;
		}
		TaskScheduler scheduler = (this.taskScheduler != null) ? this.taskScheduler : createOwnScheduler();
		if (this.status != null) {
			DurableStatus status = this.status;
			this.scheduled.add(scheduler.scheduleWithFixedDelay(periodic("reading the durable log's status",
					status::refreshIfRead), Instant.now(), status.getPeriod()));
		}
		if (this.maintenance != null) {
			this.scheduled.add(scheduler.scheduleWithFixedDelay(periodic("maintaining the durable log",
					this.maintenance), Instant.now().plus(this.maintenanceInterval), this.maintenanceInterval));
		}
	}

	private static Runnable periodic(String description, Runnable task) {
		return TaskUtils.decorateTaskWithErrorHandler(task, (ex) -> logger
			.error("Pigeon failed " + description + " (it is tried again at its next run): " + ex, ex), true);
	}

	private TaskScheduler createOwnScheduler() {
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, (runnable) -> {
			Thread thread = new Thread(runnable, THREAD_NAME);
			thread.setDaemon(true);
			return thread;
		});
		executor.setRemoveOnCancelPolicy(true);
		executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		this.ownExecutor = executor;
		return new ConcurrentTaskScheduler(executor);
	}

	@Override
	public synchronized void stop() {
		this.scheduled.forEach((future) -> future.cancel(false));
		this.scheduled.clear();
		ScheduledThreadPoolExecutor executor = this.ownExecutor;
		if (executor == null) {
			return;
		}
		executor.shutdown();
		try {
			if (!executor.awaitTermination(STOP_TIMEOUT_NANOS, TimeUnit.NANOSECONDS)) {
				executor.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			executor.shutdownNow();
			Thread.currentThread().interrupt();
		}
		this.ownExecutor = null;
	}

	@Override
	public synchronized boolean isRunning() {
		return !this.scheduled.isEmpty();
	}

}
