package io.pigeon.autoconfigure;

import java.util.List;

/**
 * The threads Pigeon has started that are still alive.
 */
final class PigeonThreads {

	private PigeonThreads() {
	}

	static List<String> alive() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(Thread::isAlive)
			.map(Thread::getName)
			.filter((name) -> name.startsWith("pigeon-"))
			.toList();
	}

}
