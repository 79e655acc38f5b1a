package io.pigeon.benchmark;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.function.Predicate;

/**
 * The CPU time spent so far by one listener's own threads, chosen by name: what a listener costs
 * the machine per delivered change, which the delivered rate cannot show while both listeners
 * keep up with the writers.
 */
final class ThreadCpu {

	private static final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

	private final Predicate<String> threadName;

	ThreadCpu(Predicate<String> threadName) {
		this.threadName = threadName;
		if (threads.isThreadCpuTimeSupported() && !threads.isThreadCpuTimeEnabled()) {
			threads.setThreadCpuTimeEnabled(true);
		}
	}

	/**
	 * Return the CPU time the chosen threads have used; only live threads count, which is enough
	 * because neither side's threads end during a phase.
	 * @return nanoseconds of CPU time, summed over the live threads whose name matches
	 */
	long nanos() {
		long total = 0;
		for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
			if (info != null && this.threadName.test(info.getThreadName())) {
				long cpu = threads.getThreadCpuTime(info.getThreadId());
				if (cpu > 0) {
					total += cpu;
				}
			}
		}
		return total;
	}

}
