package io.pigeon.test;

import java.util.concurrent.CountDownLatch;

/**
 * The main class {@link ChildJvmTests} runs in a child JVM: it reports its pid, arguments and
 * the environment variable {@code CHILD_JVM_GREETING}, says when its shutdown hook runs, and
 * then waits to be ended; with the argument {@code --exit=<code>} it exits at once with that
 * code instead.
 */
public final class ChildJvmTestMain {

	private ChildJvmTestMain() {
	}

	public static void main(String[] args) throws InterruptedException {
		Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("shutdown hook ran")));
		System.out.println("child pid=" + ProcessHandle.current().pid() + " args=" + String.join(" ", args) + " env="
				+ System.getenv("CHILD_JVM_GREETING"));
		System.out.flush();
		for (String arg : args) {
			if (arg.startsWith("--exit=")) {
				System.exit(Integer.parseInt(arg.substring("--exit=".length())));
			}
		}
		new CountDownLatch(1).await();
	}

}
