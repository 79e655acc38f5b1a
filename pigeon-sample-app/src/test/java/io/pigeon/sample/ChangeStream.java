package io.pigeon.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The page's event stream ({@code /api/changes}) read as the browser's {@code EventSource} reads
 * it: every {@code change} event's data is collected as it arrives.
 */
final class ChangeStream implements AutoCloseable {

	private static final JsonMapper jsonMapper = JsonMapper.builder().build();

	private final HttpResponse<Stream<String>> response;

	private final List<JsonNode> changes = new CopyOnWriteArrayList<>();

	private ChangeStream(HttpResponse<Stream<String>> response) {
		this.response = response;
		// A thread of its own: the reading blocks until the stream is closed.
		Thread reader = new Thread(this::collect, "change-stream-reader");
		reader.setDaemon(true);
		reader.start();
	}

	/**
	 * Subscribe to the stream of the application on the given port. Returns once the application
	 * has answered, so the subscription is in place for every change made afterwards.
	 * @param port the application's HTTP port
	 * @return the open stream
	 * @throws IOException if the request fails
	 * @throws InterruptedException if interrupted while waiting for the answer
	 */
	static ChangeStream open(int port) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/changes"))
			.header("Accept", "text/event-stream")
			.timeout(Duration.ofSeconds(10))
			.build();
		HttpResponse<Stream<String>> response = HttpClient.newHttpClient().send(request, BodyHandlers.ofLines());
		if (response.statusCode() != 200) {
			throw new IllegalStateException("GET /api/changes answered " + response.statusCode());
		}
		return new ChangeStream(response);
	}

	private void collect() {
		try {
			collectEvents();
		}
		catch (UncheckedIOException ex) {
			// Closed by close(), or by the application stopping.
		}
	}

	private void collectEvents() {
		String event = "message";
		for (String line : (Iterable<String>) this.response.body()::iterator) {
			if (line.startsWith("event:")) {
				event = line.substring("event:".length()).strip();
			}
			else if (line.startsWith("data:") && event.equals("change")) {
				this.changes.add(jsonMapper.readTree(line.substring("data:".length())));
			}
			else if (line.isEmpty()) {
				event = "message";
			}
		}
	}

	/**
	 * Return the changes received so far.
	 * @return the data of every {@code change} event, in the order received
	 */
	List<JsonNode> changes() {
		return this.changes;
	}

	@Override
	public void close() {
		this.response.body().close();
	}

}
