package io.pigeon.autoconfigure;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.pigeon.PigeonErrorHandler;
import io.pigeon.PigeonEvent;
import io.pigeon.PigeonListener;
import io.pigeon.internal.listener.ListenerInvocationObserver;
import io.pigeon.observation.DefaultPigeonListenerObservationConvention;
import io.pigeon.observation.PigeonListenerObservationContext;
import io.pigeon.observation.PigeonListenerObservationConvention;
import io.pigeon.test.PigeonTestDatabase;
import io.pigeon.test.TestNotifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Micrometer Observation of listener calls against a real PostgreSQL: changes written to a table
 * whose trigger Pigeon installed are observed once per listener call with the documented key
 * values, a failure with its error; the property switches it off; an application's convention
 * replaces the default; and the per-channel pending gauge follows the channel's buffer.
 */
class PigeonListenerObservationIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final String CHANNEL = "obs_items";

	private final String schema = PigeonTestDatabase.uniqueName("pigeon_obs");

	@BeforeEach
	void createTable() throws Exception {
		sql("CREATE SCHEMA " + this.schema, "CREATE TABLE " + this.schema + ".items (id int PRIMARY KEY, name text)");
	}

	@AfterEach
	void dropSchema() throws Exception {
		sql("DROP SCHEMA " + this.schema + " CASCADE");
	}

	@Test
	void observesEachListenerCallWithItsKeyValuesAndFailures() throws Exception {
		try (ConfigurableApplicationContext context = run(Config.class)) {
			Recorder recorder = context.getBean(Recorder.class);
			TestObservationRegistry observations = context.getBean(TestObservationRegistry.class);
			StoppedObservations stopped = context.getBean(StoppedObservations.class);
			sql("INSERT INTO " + this.schema + ".items VALUES (1, 'apple')",
					"INSERT INTO " + this.schema + ".items VALUES (2, 'fail')",
					"UPDATE " + this.schema + ".items SET name = 'pear' WHERE id = 1");
			await().atMost(TIMEOUT).until(() -> recorder.count("payloads") == 3 && recorder.count("errors") == 1);
			// Two listeners on the channel, three changes: six calls, each observed once.
			await().atMost(TIMEOUT).until(() -> stopped.contexts.size() == 6);
			assertThat(observations)
				.hasNumberOfObservationsWithNameEqualTo(DefaultPigeonListenerObservationConvention.NAME, 6)
				.forAllObservationsWithNameEqualTo(DefaultPigeonListenerObservationConvention.NAME,
						(observation) -> observation.hasContextualNameEqualTo(CHANNEL + " receive")
							.hasLowCardinalityKeyValue("pigeon.channel", CHANNEL));
			// The key values as they were when each observation stopped, the outcome known.
			assertThat(stopped.contexts).satisfies((contexts) -> {
				assertThat(contexts).allSatisfy((observed) -> assertThat(observed)
					.isInstanceOf(PigeonListenerObservationContext.class));
				assertThat(contexts).extracting(PigeonListenerObservationIntegrationTests::describe)
					.containsExactlyInAnyOrder("itemListener.onItem insert success",
							"itemListener.onItem insert failure", "itemListener.onItem update success",
							"itemListener.onPayload insert success", "itemListener.onPayload insert success",
							"itemListener.onPayload update success");
				assertThat(contexts).allSatisfy((observed) -> assertThat(observed.getLowCardinalityKeyValues())
					.extracting(KeyValue::getKey)
					.containsExactlyInAnyOrder("pigeon.channel", "pigeon.listener.id", "pigeon.action",
							"pigeon.outcome"));
				assertThat(contexts).allSatisfy((observed) -> assertThat(observed.getHighCardinalityKeyValues())
					.isEmpty());
				List<? extends Observation.Context> failed = contexts.stream()
					.filter((observed) -> observed.getError() != null)
					.toList();
				assertThat(failed).singleElement()
					.satisfies((observed) -> assertThat(observed.getError()).isInstanceOf(IllegalStateException.class)
						.hasMessage("refused: fail"));
			});
			// The failure handling and the metrics are as without observation.
			assertThat(recorder.get("errors")).singleElement()
				.asString()
				.isEqualTo(CHANNEL + ": refused: fail");
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("pigeon.listener.invocations").tag("outcome", "failure").counter().count())
				.isEqualTo(1);
			assertThat(meters.get("pigeon.listener.invocations").tag("outcome", "success").counter().count())
				.isEqualTo(5);
		}
	}

	@Test
	void observationCanBeSwitchedOff() throws Exception {
		try (ConfigurableApplicationContext context = run(Config.class, "pigeon.listener.observation-enabled=false")) {
			assertThat(context.getBeansOfType(ListenerInvocationObserver.class)).isEmpty();
			Recorder recorder = context.getBean(Recorder.class);
			sql("INSERT INTO " + this.schema + ".items VALUES (1, 'apple')");
			await().atMost(TIMEOUT).until(() -> recorder.count("payloads") == 1 && recorder.count("items") == 1);
			// An observation starts before the call: had there been one, it would be here by now.
			assertThat(context.getBean(TestObservationRegistry.class)).doesNotHaveAnyObservation();
		}
	}

	@Test
	void applicationConventionReplacesTheDefault() throws Exception {
		try (ConfigurableApplicationContext context = run(ConventionConfig.class)) {
			Recorder recorder = context.getBean(Recorder.class);
			sql("INSERT INTO " + this.schema + ".items VALUES (1, 'apple')");
			await().atMost(TIMEOUT).until(() -> recorder.count("payloads") == 1 && recorder.count("items") == 1);
			TestObservationRegistry observations = context.getBean(TestObservationRegistry.class);
			await().atMost(TIMEOUT).until(() -> context.getBean(StoppedObservations.class).contexts.size() == 2);
			assertThat(observations).hasNumberOfObservationsEqualTo(2)
				.forAllObservationsWithNameEqualTo("billing.change",
						(observation) -> observation.hasContextualNameEqualTo("handle " + CHANNEL)
							.hasLowCardinalityKeyValue("team", "billing")
							.hasLowCardinalityKeyValue("pigeon.outcome", "success"))
				.hasAnObservationWithAKeyValue("pigeon.listener.id", "itemListener.onItem")
				.hasAnObservationWithAKeyValue("pigeon.listener.id", "itemListener.onPayload");
		}
	}

	@Test
	void pendingGaugeCountsWhatWaitsOnTheChannel() throws Exception {
		try (ConfigurableApplicationContext context = run(SlowConfig.class);
				TestNotifier notifier = new TestNotifier(PigeonTestDatabase.get())) {
			SlowListener listener = context.getBean(SlowListener.class);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("pigeon.notifications.pending").tag("channel", "obs_slow").gauge().value()).isZero();
			for (int i = 0; i < 4; i++) {
				notifier.send("obs_slow", "n" + i);
			}
			// The first is in the listener, held there: three wait.
			assertThat(listener.entered.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
			await().atMost(TIMEOUT)
				.until(() -> meters.get("pigeon.notifications.pending").tag("channel", "obs_slow").gauge().value() == 3);
			listener.release.countDown();
			await().atMost(TIMEOUT)
				.until(() -> meters.get("pigeon.notifications.pending").tag("channel", "obs_slow").gauge().value() == 0);
			await().atMost(TIMEOUT).until(() -> listener.received.size() == 4);
		}
	}

	private static String describe(Observation.Context observed) {
		KeyValues values = observed.getLowCardinalityKeyValues();
		return value(values, "pigeon.listener.id") + " " + value(values, "pigeon.action") + " "
				+ value(values, "pigeon.outcome");
	}

	private static String value(KeyValues values, String key) {
		return values.stream().filter((keyValue) -> keyValue.getKey().equals(key)).findFirst().orElseThrow().getValue();
	}

	private ConfigurableApplicationContext run(Class<?> configuration, String... extra) {
		String table = "pigeon.schemas[0].tables[0].";
		List<String> properties = new ArrayList<>(List.of("pigeon.install.mode=auto",
				"pigeon.install.schema=" + this.schema, "pigeon.schemas[0].name=" + this.schema, table + "name=items",
				table + "triggers[0].channel=" + CHANNEL));
		properties.addAll(List.of(extra));
		return ListenerTestApplication.run(configuration, properties.toArray(String[]::new));
	}

	private static void sql(String... statements) throws Exception {
		try (Connection connection = PigeonTestDatabase.get().connect();
				Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
	}

	record Item(int id, String name) {
	}

	@Configuration(proxyBeanMethods = false)
	@Import(ListenerTestApplication.class)
	static class Config {

		@Bean
		StoppedObservations stoppedObservations() {
			return new StoppedObservations();
		}

		@Bean
		TestObservationRegistry testObservationRegistry(StoppedObservations stopped) {
			TestObservationRegistry registry = TestObservationRegistry.create();
			registry.observationConfig().observationHandler(stopped);
			return registry;
		}

		@Bean
		ItemListener itemListener(Recorder recorder) {
			return new ItemListener(recorder);
		}

		@Bean
		PigeonErrorHandler recordingErrorHandler(Recorder recorder) {
			return (channel, payload, exception) -> recorder.record("errors", channel + ": " + exception.getMessage());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Import(Config.class)
	static class ConventionConfig {

		@Bean
		PigeonListenerObservationConvention billingConvention() {
			return new DefaultPigeonListenerObservationConvention() {

				@Override
				public String getName() {
					return "billing.change";
				}

				@Override
				public String getContextualName(PigeonListenerObservationContext context) {
					return "handle " + context.getChannel();
				}

				@Override
				public KeyValues getLowCardinalityKeyValues(PigeonListenerObservationContext context) {
					return super.getLowCardinalityKeyValues(context).and("team", "billing");
				}

			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Import(ListenerTestApplication.class)
	static class SlowConfig {

		@Bean
		SlowListener slowListener() {
			return new SlowListener();
		}

	}

	static class ItemListener {

		private final Recorder recorder;

		ItemListener(Recorder recorder) {
			this.recorder = recorder;
		}

		@PigeonListener(channel = CHANNEL)
		void onItem(PigeonEvent<Item> event) {
			this.recorder.record("items", event);
			if ("fail".equals(event.data().name())) {
				throw new IllegalStateException("refused: fail");
			}
		}

		@PigeonListener(channel = CHANNEL)
		void onPayload(String payload) {
			this.recorder.record("payloads", payload);
		}

	}

	/**
	 * The contexts of the observations that stopped, in the order they stopped.
	 */
	static class StoppedObservations implements ObservationHandler<Observation.Context> {

		final List<Observation.Context> contexts = new CopyOnWriteArrayList<>();

		@Override
		public void onStop(Observation.Context context) {
			this.contexts.add(context);
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return true;
		}

	}

	static class SlowListener {

		final CountDownLatch entered = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		final List<String> received = new CopyOnWriteArrayList<>();

		@PigeonListener(channel = "obs_slow")
		void onPayload(String payload) throws InterruptedException {
			this.entered.countDown();
			this.release.await();
			this.received.add(payload);
		}

	}

}
