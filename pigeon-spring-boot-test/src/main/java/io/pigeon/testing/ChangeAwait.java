package io.pigeon.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

import io.pigeon.PigeonAction;
import io.pigeon.PigeonEvent;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Waits for changes that Pigeon delivered to the application's listener methods, as
 * {@link PigeonEvents#await()} starts it: narrow down which changes count, then wait for one
 * ({@link #within}), for several ({@link #count}) or make sure none comes ({@link #none}).
 * Changes recorded before the wait started count too, until {@link PigeonEvents#clear()}.
 * <pre class="code">
 * PigeonEvent&lt;Map&lt;String, Object&gt;&gt; event = pigeonEvents.await()
 *     .channel("items")
 *     .action(PigeonAction.INSERT)
 *     .matching((e) -&gt; "Bird seed".equals(e.data().get("item_description")))
 *     .within(Duration.ofSeconds(5));
 * </pre>
 * By default a change counts once a listener method returned normally with it; {@link #failed()}
 * waits for a listener that threw instead. A failed wait is an {@link AssertionError} that says
 * what was awaited and lists every change recorded.
 *
 * @since 0.1.0
 */
public final class ChangeAwait {

	private final DeliveryRecorder recorder;

	private final List<String> criteria = new ArrayList<>();

	private Predicate<RecordedChange> filter = (change) -> change.event() != null;

	private @Nullable String listener;

	private boolean failed;

	ChangeAwait(DeliveryRecorder recorder) {
		this.recorder = recorder;
	}

	/**
	 * Count only changes delivered on a channel.
	 * @param channel the channel
	 * @return this wait
	 */
	public ChangeAwait channel(String channel) {
		return where("on channel '" + channel + "'", (change) -> change.channel().equals(channel));
	}

	/**
	 * Count only changes of an action.
	 * @param action the action
	 * @return this wait
	 */
	public ChangeAwait action(PigeonAction action) {
		return where("with action " + action, (change) -> event(change).action() == action);
	}

	/**
	 * Count only changes of a configured table.
	 * @param schema the table's schema
	 * @param table the table's name
	 * @return this wait
	 */
	public ChangeAwait table(String schema, String table) {
		return where("of table " + schema + "." + table,
				(change) -> event(change).schema().equals(schema) && event(change).table().equals(table));
	}

	/**
	 * Count only changes that a listener received: returned normally with, or threw on with
	 * {@link #failed()}.
	 * @param listenerId the listener's id ({@code beanName.methodName})
	 * @return this wait
	 */
	public ChangeAwait listener(String listenerId) {
		this.listener = listenerId;
		this.criteria.add("for listener " + listenerId);
		return this;
	}

	/**
	 * Count only changes that some listener threw on, instead of ones a listener returned normally
	 * with.
	 * @return this wait
	 */
	public ChangeAwait failed() {
		this.failed = true;
		this.criteria.add("that a listener failed on");
		return this;
	}

	/**
	 * Count only changes whose event matches.
	 * @param predicate tested with the event, its rows bound to maps
	 * @return this wait
	 */
	public ChangeAwait matching(Predicate<? super PigeonEvent<Map<String, Object>>> predicate) {
		return matching("matching the predicate", predicate);
	}

	/**
	 * Count only changes whose event matches, described for the failure message.
	 * @param description what the predicate checks, for example {@code "with status PAID"}
	 * @param predicate tested with the event, its rows bound to maps
	 * @return this wait
	 */
	public ChangeAwait matching(String description, Predicate<? super PigeonEvent<Map<String, Object>>> predicate) {
		return where(description, (change) -> predicate.test(event(change)));
	}

	/**
	 * Wait for several changes instead of one.
	 * @param count how many, at least 1
	 * @return a wait for that many
	 */
	public Counted count(int count) {
		Assert.isTrue(count > 0, "count must be at least 1");
		return new Counted(count);
	}

	/**
	 * Wait for the first change that counts.
	 * @param timeout how long to wait at most
	 * @return its event
	 * @throws AssertionError if none was recorded in time
	 */
	public PigeonEvent<Map<String, Object>> within(Duration timeout) {
		return awaitCount(1, timeout).get(0);
	}

	/**
	 * Make sure that no change that counts is recorded, neither already nor during a period: it
	 * waits the whole period unless one comes.
	 * @param period how long to watch
	 * @throws AssertionError naming the change, as soon as one counts
	 */
	public void none(Duration period) {
		List<RecordedChange> matching = await(period, (changes) -> !changes.isEmpty());
		if (matching != null) {
			throw new AssertionError("Expected no change " + description() + " within " + period
					+ ", but one was recorded: " + matching.get(0) + recordedList());
		}
	}

	private List<PigeonEvent<Map<String, Object>>> awaitCount(int count, Duration timeout) {
		List<RecordedChange> matching = await(timeout, (changes) -> changes.size() >= count);
		if (matching == null) {
			List<RecordedChange> found = await(Duration.ZERO, (changes) -> true);
			throw new AssertionError("Expected " + ((count == 1) ? "a change" : count + " changes") + " "
					+ description() + " within " + timeout + ", but "
					+ ((found == null || found.isEmpty()) ? "none" : "only " + found.size()) + " arrived"
					+ recordedList());
		}
		return matching.subList(0, count)
			.stream()
			.map(ChangeAwait::event)
			.toList();
	}

	private @Nullable List<RecordedChange> await(Duration timeout, Predicate<List<RecordedChange>> done) {
		Predicate<RecordedChange> counts = this.filter.and(this::received);
		try {
			List<RecordedChange> all = this.recorder.awaitUntil(0, timeout,
					(changes) -> done.test(changes.stream().filter(counts).toList()));
			return (all != null) ? all.stream().filter(counts).toList() : null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted while waiting for a change " + description(), ex);
		}
	}

	private boolean received(RecordedChange change) {
		String listener = this.listener;
		if (this.failed) {
			return (listener != null) ? change.failures().containsKey(listener) : !change.failures().isEmpty();
		}
		return (listener != null) ? change.listeners().contains(listener) : !change.listeners().isEmpty();
	}

	private ChangeAwait where(String description, Predicate<RecordedChange> condition) {
		this.criteria.add(description);
		this.filter = this.filter.and(condition);
		return this;
	}

	private String description() {
		return this.criteria.isEmpty() ? "at all" : String.join(" ", this.criteria);
	}

	private String recordedList() {
		List<RecordedChange> all = this.recorder.all();
		if (all.isEmpty()) {
			return "; nothing was recorded";
		}
		StringBuilder text = new StringBuilder("; recorded (").append(all.size()).append("):");
		for (RecordedChange change : all) {
			text.append(System.lineSeparator()).append("  ").append(change);
		}
		return text.toString();
	}

	private static PigeonEvent<Map<String, Object>> event(RecordedChange change) {
		return Objects.requireNonNull(change.event());
	}

	/**
	 * A wait for several changes.
	 *
	 * @since 0.1.0
	 */
	public final class Counted {

		private final int count;

		private Counted(int count) {
			this.count = count;
		}

		/**
		 * Wait for the first changes that count.
		 * @param timeout how long to wait at most
		 * @return their events, as many as asked for, in the order they were recorded
		 * @throws AssertionError if fewer were recorded in time
		 */
		public List<PigeonEvent<Map<String, Object>>> within(Duration timeout) {
			return awaitCount(this.count, timeout);
		}

	}

}
