package io.pigeon.benchmark;

import java.sql.Connection;
import java.sql.Statement;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The baseline: the plain pgjdbc loop every hand-written listener uses ({@code LISTEN}, then
 * {@code getNotifications(timeout)} in a loop) with the same JSON parsing and binding Pigeon
 * does, on one thread.
 */
final class RawPgjdbcListener implements AutoCloseable {

	static final String THREAD_NAME = "raw-pgjdbc-listener";

	private final Connection connection;

	private final JsonMapper jsonMapper = JsonMapper.builder().build();

	private final Thread thread;

	private volatile boolean running = true;

	private volatile LatencyRecorder recorder;

	RawPgjdbcListener(BenchmarkDatabase database, String channel) throws Exception {
		this.connection = database.connect();
		try (Statement statement = this.connection.createStatement()) {
			statement.execute("LISTEN \"" + channel.replace("\"", "\"\"") + "\"");
		}
		this.thread = new Thread(this::run, THREAD_NAME);
		this.thread.setDaemon(true);
		this.thread.start();
	}

	void recordInto(LatencyRecorder recorder) {
		this.recorder = recorder;
	}

	private void run() {
		PGConnection pgConnection;
		try {
			pgConnection = this.connection.unwrap(PGConnection.class);
			while (this.running) {
				PGNotification[] notifications = pgConnection.getNotifications(500);
				if (notifications == null) {
					continue;
				}
				for (PGNotification notification : notifications) {
					JsonNode payload = this.jsonMapper.readTree(notification.getParameter());
					BenchRow row = this.jsonMapper.treeToValue(payload.get("data"), BenchRow.class);
					LatencyRecorder current = this.recorder;
					if (current != null) {
						current.record(row);
					}
				}
			}
		}
		catch (Exception ex) {
			if (this.running) {
				ex.printStackTrace();
			}
		}
	}

	@Override
	public void close() throws Exception {
		this.running = false;
		this.thread.join(2000);
		this.connection.close();
	}

}
