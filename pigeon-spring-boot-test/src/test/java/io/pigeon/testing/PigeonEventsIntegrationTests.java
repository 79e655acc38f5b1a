package io.pigeon.testing;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.pigeon.PigeonAction;
import io.pigeon.PigeonEvent;
import io.pigeon.test.PigeonTestDatabase;
import io.pigeon.testing.KitTestApplication.Item;
import io.pigeon.testing.KitTestApplication.KitListeners;
import io.pigeon.testing.KitTestApplication.RecordingErrorHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.entry;

/**
 * {@link PigeonEvents} in an application against the real PostgreSQL: changes committed to tables
 * with Pigeon's triggers, and synthetic changes, recorded after the listener methods ran.
 */
class PigeonEventsIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final String SCHEMA = PigeonTestDatabase.uniqueName("pigeon_kit");

	private static ConfigurableApplicationContext context;

	private static PigeonEvents pigeonEvents;

	private static KitListeners listeners;

	@BeforeAll
	static void start() throws Exception {
		context = KitTestApplication.run(SCHEMA);
		pigeonEvents = context.getBean(PigeonEvents.class);
		listeners = context.getBean(KitListeners.class);
	}

	@AfterAll
	static void stop() throws Exception {
		if (context != null) {
			context.close();
		}
		KitTestApplication.drop(SCHEMA);
	}

	@BeforeEach
	void clear() {
		pigeonEvents.clear();
		listeners.inserted.clear();
		listeners.events.clear();
		listeners.threads.clear();
	}

	@Test
	void awaitsAnInsertTheTriggerDeliveredByChannelActionAndPredicate() throws Exception {
		KitTestApplication.sql("INSERT INTO " + SCHEMA + ".items VALUES (1, 'apple')",
				"INSERT INTO " + SCHEMA + ".items VALUES (2, 'pear')",
				"UPDATE " + SCHEMA + ".items SET name = 'green pear' WHERE id = 2");
		PigeonEvent<Map<String, Object>> pear = pigeonEvents.await()
			.channel(KitTestApplication.ITEMS)
			.action(PigeonAction.INSERT)
			.matching((event) -> "pear".equals(event.data().get("name")))
			.within(TIMEOUT);
		assertThat(pear.schema()).isEqualTo(SCHEMA);
		assertThat(pear.table()).isEqualTo("items");
		assertThat(pear.data()).containsExactly(entry("id", 2), entry("name", "pear"));
		// Recorded after the listener method ran, with the row it received.
		assertThat(listeners.items).contains(Map.of("id", 2, "name", "pear"));
		List<PigeonEvent<Map<String, Object>>> all = pigeonEvents.await()
			.channel(KitTestApplication.ITEMS)
			.count(3)
			.within(TIMEOUT);
		assertThat(all).extracting(PigeonEvent::action)
			.containsExactly(PigeonAction.INSERT, PigeonAction.INSERT, PigeonAction.UPDATE);
		assertThat(pigeonEvents.recorded()).allSatisfy((change) -> {
			assertThat(change.listeners()).containsExactly("kitListeners.onItem");
			assertThat(change.failures()).isEmpty();
			assertThat(change.synthetic()).isFalse();
		});
	}

	@Test
	void aTimedOutWaitSaysWhatWasAwaitedAndListsWhatWasRecorded() throws Exception {
		KitTestApplication.sql("INSERT INTO " + SCHEMA + ".items VALUES (10, 'plum')");
		pigeonEvents.await().channel(KitTestApplication.ITEMS).within(TIMEOUT);
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> pigeonEvents.await()
				.channel(KitTestApplication.ITEMS)
				.action(PigeonAction.DELETE)
				.within(Duration.ofMillis(200)))
			.withMessageStartingWith("Expected a change on channel 'kit_items' with action DELETE within PT0.2S, "
					+ "but none arrived; recorded (1):")
			.withMessageContaining("INSERT " + SCHEMA + ".items on 'kit_items' data={id=10, name=plum}, "
					+ "received by [kitListeners.onItem]");
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> pigeonEvents.await()
				.channel(KitTestApplication.ITEMS)
				.matching("named fig", (event) -> "fig".equals(event.data().get("name")))
				.count(2)
				.within(Duration.ofMillis(100)))
			.withMessageStartingWith("Expected 2 changes on channel 'kit_items' named fig within PT0.1S, "
					+ "but none arrived; recorded (1):");
	}

	@Test
	void awaitIdleFailsWhenSomethingArrivesAndPassesWhenNothingDoes() throws Exception {
		pigeonEvents.awaitIdle(Duration.ofMillis(200));
		// Committed while awaitIdle watches: the transaction holds its commit back for a moment.
		CompletableFuture<Void> write = CompletableFuture.runAsync(() -> {
			try (Connection connection = PigeonTestDatabase.get().connect();
					Statement statement = connection.createStatement()) {
				connection.setAutoCommit(false);
				statement.execute("INSERT INTO " + SCHEMA + ".items VALUES (20, 'quince')");
				statement.execute("SELECT pg_sleep(0.5)");
				connection.commit();
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> pigeonEvents.awaitIdle(TIMEOUT))
			.withMessageStartingWith("Expected nothing more to be delivered within PT20S, but INSERT " + SCHEMA
					+ ".items on 'kit_items' data={id=20, name=quince}");
		write.join();
	}

	@Test
	void noneFailsWhenAMatchingChangeWasRecorded() throws Exception {
		pigeonEvents.assertNone();
		KitTestApplication.sql("INSERT INTO " + SCHEMA + ".items VALUES (30, 'kiwi')");
		pigeonEvents.await().channel(KitTestApplication.ITEMS).within(TIMEOUT);
		pigeonEvents.await().channel(KitTestApplication.ITEMS).action(PigeonAction.DELETE).none(Duration.ofMillis(200));
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> pigeonEvents.await()
				.channel(KitTestApplication.ITEMS)
				.action(PigeonAction.INSERT)
				.none(TIMEOUT))
			.withMessageStartingWith("Expected no change on channel 'kit_items' with action INSERT within PT20S, "
					+ "but one was recorded: INSERT " + SCHEMA + ".items on 'kit_items' data={id=30, name=kiwi}");
		assertThatExceptionOfType(AssertionError.class).isThrownBy(pigeonEvents::assertNone)
			.withMessageStartingWith("Expected nothing to have been delivered, but 1 notification(s) were:");
	}

	@Test
	void aSyntheticInsertReachesTypedAndEventListenersOnTheCallersThread() {
		RecordedChange change = pigeonEvents
			.deliver(PigeonTestChanges.insert(KitTestApplication.SYNTHETIC).schema("shop").data(new Item(7, "fig")));
		assertThat(listeners.inserted).containsExactly(new Item(7, "fig"));
		assertThat(listeners.events).singleElement().satisfies((event) -> {
			assertThat(event.channel()).isEqualTo(KitTestApplication.SYNTHETIC);
			assertThat(event.action()).isEqualTo(PigeonAction.INSERT);
			assertThat(event.schema()).isEqualTo("shop");
			assertThat(event.table()).isEqualTo(KitTestApplication.SYNTHETIC);
			assertThat(event.data()).isEqualTo(new Item(7, "fig"));
			assertThat(event.old()).isNull();
		});
		assertThat(listeners.threads).containsOnly(Thread.currentThread()).hasSize(2);
		assertThat(change.listeners()).containsExactly(KitTestApplication.INSERTS_ID, KitTestApplication.EVENTS_ID);
		assertThat(change.failures()).isEmpty();
		assertThat(change.synthetic()).isTrue();
		assertThat(change.event().data()).containsExactly(entry("id", 7), entry("name", "fig"));
		// The recorder saw it as it sees real deliveries.
		assertThat(pigeonEvents.await().channel(KitTestApplication.SYNTHETIC).within(Duration.ZERO))
			.isEqualTo(change.event());
	}

	@Test
	void aSyntheticChangeHonoursActions() {
		RecordedChange update = pigeonEvents.deliver(PigeonTestChanges.update(KitTestApplication.SYNTHETIC)
			.table("things")
			.data(new Item(8, "date"))
			.old(new Item(8, "dates")));
		assertThat(listeners.inserted).isEmpty();
		assertThat(listeners.events).singleElement().satisfies((event) -> {
			assertThat(event.action()).isEqualTo(PigeonAction.UPDATE);
			assertThat(event.table()).isEqualTo("things");
			assertThat(event.data()).isEqualTo(new Item(8, "date"));
			assertThat(event.old()).isEqualTo(new Item(8, "dates"));
		});
		assertThat(update.listeners()).containsExactly(KitTestApplication.EVENTS_ID);
		pigeonEvents.await()
			.listener(KitTestApplication.INSERTS_ID)
			.none(Duration.ZERO);
	}

	@Test
	void failuresAreRecordedAndReportedForSyntheticAndRealDeliveries() throws Exception {
		RecordingErrorHandler errorHandler = context.getBean(RecordingErrorHandler.class);
		errorHandler.failures.clear();
		RecordedChange synthetic = pigeonEvents
			.deliver(PigeonTestChanges.insert(KitTestApplication.FAILING).dataJson("{\"id\":1,\"name\":\"bad one\"}"));
		assertThat(synthetic.listeners()).isEmpty();
		assertThat(synthetic.failures()).containsOnlyKeys(KitTestApplication.FAILING_ID);
		assertThat(synthetic.failures().get(KitTestApplication.FAILING_ID))
			.isInstanceOf(IllegalStateException.class)
			.hasMessage("Refusing bad one");
		assertThat(errorHandler.failures.get(KitTestApplication.FAILING)).singleElement()
			.isSameAs(synthetic.failures().get(KitTestApplication.FAILING_ID));
		// A failed change does not count as received: only a wait for failures finds it.
		pigeonEvents.await().channel(KitTestApplication.FAILING).none(Duration.ZERO);
		pigeonEvents.clear();
		KitTestApplication.sql("INSERT INTO " + SCHEMA + ".failing VALUES (1, 'good'), (2, 'bad two')");
		PigeonEvent<Map<String, Object>> failed = pigeonEvents.await()
			.failed()
			.listener(KitTestApplication.FAILING_ID)
			.within(TIMEOUT);
		assertThat(failed.data()).containsEntry("name", "bad two");
		PigeonEvent<Map<String, Object>> good = pigeonEvents.await()
			.channel(KitTestApplication.FAILING)
			.within(TIMEOUT);
		assertThat(good.data()).containsEntry("name", "good");
		assertThat(pigeonEvents.recorded()).extracting(RecordedChange::synthetic).containsExactly(false, false);
	}

	@Test
	void aSyntheticChangeOnAChannelWithoutListenersFails() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> pigeonEvents.deliver(PigeonTestChanges.insert("kit_nobody").data(Map.of("id", 1))))
			.withMessage("No @PigeonListener method listens on channel 'kit_nobody', so a synthetic change there "
					+ "reaches nobody: the channels with listeners are [kit_failing, kit_items, kit_synthetic]");
	}

}
