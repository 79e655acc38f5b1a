package io.pigeon.sample;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.pigeon.PigeonEvent;
import io.pigeon.PigeonListener;
import tools.jackson.databind.JsonNode;

import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Forwards every change on the sample's channels to each page that is open, as a Server-Sent
 * Event named {@code change}.
 */
@Component
public class LiveChangeBroadcaster {

	// No time-out: the browser would reconnect, but a change made while it does would be missed.
	private static final long NO_TIMEOUT = 0;

	private static final Duration RECONNECT_TIME = Duration.ofSeconds(1);

	private final List<SseEmitter> emitters = new CopyOnWriteArrayList<>();

	/**
	 * Open a stream for a page; it receives every change from now on.
	 * @return the stream
	 * @throws IOException if the stream cannot be written to
	 */
	public SseEmitter subscribe() throws IOException {
		SseEmitter emitter = new SseEmitter(NO_TIMEOUT);
		emitter.onCompletion(() -> this.emitters.remove(emitter));
		emitter.onError((ex) -> this.emitters.remove(emitter));
		// Without a first event the response stays uncommitted, and the page cannot tell that
		// it is subscribed. The retry time makes it reconnect quickly after a restart.
		emitter.send(SseEmitter.event().reconnectTime(RECONNECT_TIME.toMillis()).comment("subscribed"));
		this.emitters.add(emitter);
		return emitter;
	}

	@PigeonListener(channels = { "items", "item_prices" })
	public void onChange(PigeonEvent<JsonNode> event) {
		LiveChange change = LiveChange.of(event);
		for (SseEmitter emitter : this.emitters) {
			try {
				emitter.send(SseEmitter.event().name("change").data(change));
			}
			catch (IOException | IllegalStateException ex) {
				// The page went away: forget it, the others still get the change.
				this.emitters.remove(emitter);
				emitter.completeWithError(ex);
			}
		}
	}

	/**
	 * End every stream when the application stops, so that graceful shutdown does not wait for
	 * pages that would never finish their requests.
	 */
	@EventListener(ContextClosedEvent.class)
	public void completeAll() {
		this.emitters.forEach(SseEmitter::complete);
		this.emitters.clear();
	}

}
