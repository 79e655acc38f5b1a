package io.pigeon.internal.listener;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.core.task.VirtualThreadTaskExecutor;

/**
 * A long-running task on a thread taken from an {@link Executor}, which a container joins and
 * interrupts as if it were a thread of its own. While the task runs, its thread carries the
 * worker's name (so that threads from any executor say they are Pigeon's and what they do); the
 * thread's own name is restored when it ends, for an executor that pools its threads. A thread
 * started for the task alone (by a {@link SimpleAsyncTaskExecutor} or a
 * {@link VirtualThreadTaskExecutor}) is joined as well, so that none outlives its container's
 * {@code stop()}.
 *
 * @since 0.1.0
 */
public final class ExecutorWorker {

	private final String name;

	private final CountDownLatch ended = new CountDownLatch(1);

	private final Object threadMonitor = new Object();

	private volatile boolean started;

	private @Nullable Thread thread;

	private volatile @Nullable Thread ownThread;

	private boolean interrupted;

	/**
	 * Create a worker.
	 * @param name the name its thread carries while it runs
	 */
	public ExecutorWorker(String name) {
		this.name = name;
	}

	/**
	 * Return the name the worker's thread carries.
	 * @return the name
	 */
	public String getName() {
		return this.name;
	}

	/**
	 * Run the task on a thread of the executor; once only.
	 * @param executor the executor
	 * @param task the task
	 * @throws java.util.concurrent.RejectedExecutionException if the executor refuses the task
	 */
	public void start(Executor executor, Runnable task) {
		boolean threadPerTask = executor instanceof SimpleAsyncTaskExecutor
				|| executor instanceof VirtualThreadTaskExecutor;
		this.started = true;
		try {
			executor.execute(() -> run(task, threadPerTask));
		}
		catch (RuntimeException ex) {
			this.ended.countDown();
			throw ex;
		}
	}

	private void run(Runnable task, boolean threadPerTask) {
		Thread current = Thread.currentThread();
		String ownName = current.getName();
		synchronized (this.threadMonitor) {
			this.thread = current;
			if (threadPerTask) {
				this.ownThread = current;
			}
			if (this.interrupted) {
				current.interrupt();
			}
		}
		current.setName(this.name);
		try {
			task.run();
		}
		finally {
			synchronized (this.threadMonitor) {
				this.thread = null;
			}
			// An interrupt meant for the task must not reach the executor's next one.
			Thread.interrupted();
			current.setName(ownName);
			this.ended.countDown();
		}
	}

	/**
	 * Interrupt the task, also when its thread has not picked it up yet.
	 */
	public void interrupt() {
		synchronized (this.threadMonitor) {
			this.interrupted = true;
			Thread thread = this.thread;
			if (thread != null) {
				thread.interrupt();
			}
		}
	}

	/**
	 * Wait for the task to end.
	 * @param nanos the longest wait
	 * @return {@code true} if the task has ended (or was never started)
	 * @throws InterruptedException if interrupted while waiting
	 */
	public boolean join(long nanos) throws InterruptedException {
		long deadline = System.nanoTime() + nanos;
		if (!this.started || !this.ended.await(Math.max(0, nanos), TimeUnit.NANOSECONDS)) {
			return !this.started;
		}
		Thread ownThread = this.ownThread;
		if (ownThread != null) {
			// Its last moments, after the task: short, but a thread that says it is Pigeon's.
			TimeUnit.NANOSECONDS.timedJoin(ownThread, Math.max(1, deadline - System.nanoTime()));
		}
		return !isAlive();
	}

	/**
	 * Return the thread running the task.
	 * @return the thread, or {@code null} when it has not picked the task up or has ended it
	 */
	public @Nullable Thread getThread() {
		synchronized (this.threadMonitor) {
			return this.thread;
		}
	}

	/**
	 * Return whether the task has been started and has not ended.
	 * @return {@code true} while it runs or waits for a thread
	 */
	public boolean isAlive() {
		if (!this.started) {
			return false;
		}
		Thread ownThread = this.ownThread;
		return this.ended.getCount() > 0 || (ownThread != null && ownThread.isAlive());
	}

}
