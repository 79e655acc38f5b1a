package io.pigeon.sample;

import java.io.IOException;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The page's stream of changes, read with the browser's {@code EventSource}.
 */
@RestController
public class LiveChangeController {

	private final LiveChangeBroadcaster broadcaster;

	public LiveChangeController(LiveChangeBroadcaster broadcaster) {
		this.broadcaster = broadcaster;
	}

	@GetMapping(path = "/api/changes", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	public SseEmitter changes() throws IOException {
		return this.broadcaster.subscribe();
	}

}
