package io.pigeon.internal.listener.notify;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.support.TaskUtils;

/**
 * Wraps the tasks Pigeon hands to a {@link TaskScheduler} so that nothing they throw vanishes:
 * a scheduler keeps a task's failure in a future nobody reads, and an exception (an
 * {@link Error} included) thrown by a periodic task cancels all its later runs. A wrapped task
 * logs what it throws, naming what it was doing, and a periodic one runs again at its next period.
 */
final class LoggedTasks {

	private static final Log logger = LogFactory.getLog(LoggedTasks.class);

	private LoggedTasks() {
	}

	/**
	 * Wrap a task that runs once.
	 * @param description what the task does, for the log ("publishing a ...")
	 * @param task the task
	 * @return the task, logging what it throws
	 */
	static Runnable once(String description, Runnable task) {
		return TaskUtils.decorateTaskWithErrorHandler(task,
				(ex) -> logger.error("Pigeon failed " + description + ": " + ex, ex), false);
	}

	/**
	 * Wrap a task that runs periodically.
	 * @param description what the task does, for the log ("deleting ...")
	 * @param task the task
	 * @return the task, logging what it throws and never throwing, so that it keeps running
	 */
	static Runnable periodic(String description, Runnable task) {
		return TaskUtils.decorateTaskWithErrorHandler(task, (ex) -> logger
			.error("Pigeon failed " + description + " (it is tried again at its next run): " + ex, ex), true);
	}

}
