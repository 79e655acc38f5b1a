package io.pigeon.testing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.pigeon.PigeonEvent;
import io.pigeon.internal.listener.IncomingNotification;
import tools.jackson.databind.json.JsonMapper;

/**
 * The changes Pigeon delivered to the application's {@code @PigeonListener} methods, recorded
 * after the methods ran, for a test to await and assert on; and synthetic changes delivered to
 * those methods without a database trigger. The test kit's auto-configuration makes it a bean:
 * <pre class="code">
 * &#64;Autowired PigeonEvents pigeonEvents;
 *
 * &#64;Test
 * void insertReachesTheListener() {
 *     items.save(new Item("Bird seed"));
 *     PigeonEvent&lt;Map&lt;String, Object&gt;&gt; event = pigeonEvents.await()
 *         .channel("items")
 *         .action(PigeonAction.INSERT)
 *         .within(Duration.ofSeconds(5));
 *     assertThat(event.data()).containsEntry("item_description", "Bird seed");
 * }
 * </pre>
 * A notification is recorded once a listener method returned with it or threw on it (see
 * {@link RecordedChange#listeners()} and {@link RecordedChange#failures()}), once per
 * notification however many methods received it; one that no method accepted (by its
 * {@code actions}) is not recorded. The record grows until {@link #clear()}: clear it between
 * tests that share an application context.
 *
 * @since 0.1.0
 */
public final class PigeonEvents {

	private final DeliveryRecorder recorder;

	private final JsonMapper jsonMapper;

	private final Supplier<SyntheticDelivery> synthetic;

	PigeonEvents(DeliveryRecorder recorder, JsonMapper jsonMapper, Supplier<SyntheticDelivery> synthetic) {
		this.recorder = recorder;
		this.jsonMapper = jsonMapper;
		this.synthetic = synthetic;
	}

	/**
	 * Start waiting for changes; see {@link ChangeAwait}.
	 * @return a wait to narrow down and finish
	 */
	public ChangeAwait await() {
		return new ChangeAwait(this.recorder);
	}

	/**
	 * Make sure that nothing more is delivered: fails as soon as a notification is recorded
	 * during the period, and otherwise returns when it is over.
	 * @param period how long to watch
	 * @throws AssertionError naming what arrived
	 */
	public void awaitIdle(Duration period) {
		int from = this.recorder.size();
		List<RecordedChange> arrived;
		try {
			arrived = this.recorder.awaitUntil(from, period, (changes) -> !changes.isEmpty());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted while making sure nothing more is delivered", ex);
		}
		if (arrived != null) {
			throw new AssertionError("Expected nothing more to be delivered within " + period + ", but "
					+ arrived.get(0) + " was");
		}
	}

	/**
	 * Make sure that nothing has been recorded since the last {@link #clear()}, without waiting.
	 * @throws AssertionError listing what was recorded
	 */
	public void assertNone() {
		List<RecordedChange> recorded = this.recorder.all();
		if (!recorded.isEmpty()) {
			throw new AssertionError("Expected nothing to have been delivered, but " + recorded.size()
					+ " notification(s) were: " + recorded);
		}
	}

	/**
	 * Return every notification recorded since the last {@link #clear()}.
	 * @return the recorded changes, in the order they were first delivered
	 */
	public List<RecordedChange> recorded() {
		return this.recorder.all();
	}

	/**
	 * Return the events of every change recorded since the last {@link #clear()}, leaving out
	 * payloads that are not Pigeon changes.
	 * @return the events, in the order they were first delivered
	 */
	public List<PigeonEvent<Map<String, Object>>> events() {
		return this.recorder.all()
			.stream()
			.map(RecordedChange::event)
			.<PigeonEvent<Map<String, Object>>>mapMulti((event, events) -> {
				if (event != null) {
					events.accept(event);
				}
			})
			.toList();
	}

	/**
	 * Forget everything recorded so far.
	 */
	public void clear() {
		this.recorder.clear();
	}

	/**
	 * Deliver a synthetic change to its channel's listener methods, on this thread, and return
	 * once they have run: parsed, filtered by {@code actions}, bound and called as a change from
	 * a trigger is, a method's failure reported to the application's {@code PigeonErrorHandler}
	 * and recorded, not thrown. The change is recorded like any other, marked
	 * {@link RecordedChange#synthetic() synthetic}.
	 * @param change the change, started by {@link PigeonTestChanges}
	 * @return what was recorded for it: which methods received it and which failed, none when no
	 * method accepted its action
	 * @throws IllegalArgumentException if no listener method listens on the change's channel
	 * @throws IllegalStateException if the listener infrastructure is switched off
	 * ({@code pigeon.listener.enabled=false})
	 */
	public RecordedChange deliver(PigeonTestChange change) {
		return deliverPayload(change.channel(), change.payload(this.jsonMapper));
	}

	/**
	 * Deliver any payload to a channel's listener methods, as {@link #deliver(PigeonTestChange)}
	 * does: for listeners of notifications that are not Pigeon changes, sent with
	 * {@code PigeonTemplate}.
	 * @param channel the channel
	 * @param payload the payload
	 * @return what was recorded for it
	 * @throws IllegalArgumentException if no listener method listens on the channel
	 * @throws IllegalStateException if the listener infrastructure is switched off
	 */
	public RecordedChange deliver(String channel, String payload) {
		return deliverPayload(channel, payload);
	}

	private RecordedChange deliverPayload(String channel, String payload) {
		SyntheticDelivery delivery = this.synthetic.get();
		IncomingNotification notification = this.recorder.synthetic(() -> delivery.deliver(channel, payload));
		return this.recorder.recordedFor(notification, true);
	}

}
