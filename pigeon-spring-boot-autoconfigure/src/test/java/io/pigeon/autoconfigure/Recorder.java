package io.pigeon.autoconfigure;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records what test listeners receive, by key, in arrival order; {@code null} values included.
 */
class Recorder {

	private final Map<String, List<Object>> records = new ConcurrentHashMap<>();

	void record(String key, Object value) {
		this.records.computeIfAbsent(key, (k) -> Collections.synchronizedList(new ArrayList<>())).add(value);
	}

	List<Object> get(String key) {
		List<Object> values = this.records.get(key);
		if (values == null) {
			return List.of();
		}
		synchronized (values) {
			return new ArrayList<>(values);
		}
	}

	int count(String key) {
		List<Object> values = this.records.get(key);
		return (values != null) ? values.size() : 0;
	}

}
