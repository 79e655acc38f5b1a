package io.pigeon.autoconfigure;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.pigeon.PigeonEvent;
import io.pigeon.PigeonListener;
import io.pigeon.test.PigeonTestDatabase;
import io.pigeon.test.TestNotifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * NOTIFY needs no privilege: whoever can connect can send anything on any channel. A forged
 * overflow reference never resolves to a payload stored for another channel or change, and a
 * payload that is not Pigeon's JSON reaches raw {@code String} methods only; both are counted and
 * logged (rate-limited), never delivered to typed methods nor reported as listener failures.
 */
@ExtendWith(OutputCaptureExtension.class)
class PigeonForgedNotificationIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final String CHANNEL = "forge_items";

	private final String schema = PigeonTestDatabase.uniqueName("pigeon_forge");

	@BeforeEach
	void createTables() throws Exception {
		sql("CREATE SCHEMA " + this.schema, "CREATE TABLE " + this.schema + ".items (id int PRIMARY KEY, name text)",
				"CREATE TABLE " + this.schema + ".secrets (id int PRIMARY KEY, name text)");
	}

	@AfterEach
	void dropSchema() throws Exception {
		sql("DROP SCHEMA " + this.schema + " CASCADE");
	}

	@Test
	void forgedOverflowReferencesAreRejectedAndNeverResolveToAnotherChannelsPayload(CapturedOutput output)
			throws Exception {
		try (ConfigurableApplicationContext context = run();
				TestNotifier notifier = new TestNotifier(PigeonTestDatabase.get())) {
			Recorder recorder = context.getBean(Recorder.class);
			sql("INSERT INTO " + this.schema + ".secrets VALUES (1, 'secret " + "s".repeat(9000) + "')");
			long secretId = lastOverflowId();
			long secretTxid = query("SELECT (payload::jsonb ->> 'txid')::bigint FROM " + this.schema
					+ ".pigeon_overflow WHERE id = " + secretId);
			// A reference to the secret row, once with the head of the channel it is sent on and once
			// with the head the trigger stored: neither was stored for this channel.
			notifier.send(CHANNEL, reference("items", 1, secretId));
			notifier.send(CHANNEL, reference("secrets", secretTxid, secretId));
			sql("INSERT INTO " + this.schema + ".items VALUES (2, 'genuine " + "g".repeat(9000) + "')");
			await().atMost(TIMEOUT).until(() -> recorder.count("events") == 1);
			assertThat(recorder.get("events")).singleElement()
				.satisfies((event) -> assertThat(((PigeonEvent<?>) event).table()).isEqualTo("items"));
			assertThat(recorder.get("raw")).singleElement()
				.satisfies((payload) -> assertThat(payload.toString()).contains("genuine").doesNotContain("secret"));
			assertThat(rejected(context, "overflow-mismatch")).isEqualTo(2);
			assertThat(output.getOut().split("Pigeon rejected", -1)).as("logged once per minute and channel")
				.hasSize(2);
			assertThat(output.getOut()).contains("channel '" + CHANNEL + "' (overflow-mismatch)")
				.doesNotContain("secret " + "s".repeat(10));
		}
	}

	@Test
	void payloadsThatAreNotPigeonsJsonReachOnlyRawMethods(CapturedOutput output) throws Exception {
		try (ConfigurableApplicationContext context = run();
				TestNotifier notifier = new TestNotifier(PigeonTestDatabase.get())) {
			Recorder recorder = context.getBean(Recorder.class);
			notifier.send(CHANNEL, "hello");
			notifier.send(CHANNEL, "hello again");
			sql("INSERT INTO " + this.schema + ".items VALUES (3, 'genuine')");
			await().atMost(TIMEOUT).until(() -> recorder.count("events") == 1);
			await().atMost(TIMEOUT).until(() -> recorder.count("data") == 1);
			assertThat(recorder.get("raw")).hasSize(3).startsWith("hello", "hello again");
			assertThat(recorder.get("data")).singleElement()
				.satisfies((data) -> assertThat(data).isEqualTo(Map.of("id", 3, "name", "genuine")));
			// Each typed method counts each payload it could not take.
			assertThat(rejected(context, "not-a-change")).isEqualTo(4);
			assertThat(output.getOut().split("Pigeon rejected", -1)).hasSize(2);
			assertThat(output.getOut()).doesNotContain("failed on channel").doesNotContain("could not deliver");
		}
	}

	private ConfigurableApplicationContext run() {
		String table = "pigeon.schemas[0].tables[0].";
		String secrets = "pigeon.schemas[0].tables[1].";
		return ListenerTestApplication.run(Config.class, "pigeon.install.mode=auto",
				"pigeon.install.schema=" + this.schema, "pigeon.schemas[0].name=" + this.schema, table + "name=items",
				table + "triggers[0].channel=" + CHANNEL, secrets + "name=secrets",
				secrets + "triggers[0].channel=forge_secrets");
	}

	private String reference(String table, long txid, long overflowId) {
		return "{\"action\":\"INSERT\",\"schema\":\"" + this.schema + "\",\"table\":\"" + table + "\",\"txid\":" + txid
				+ ",\"seq\":1,\"ts\":0,\"overflow\":" + overflowId + "}";
	}

	private long lastOverflowId() throws Exception {
		return query("SELECT max(id) FROM " + this.schema + ".pigeon_overflow");
	}

	private static double rejected(ConfigurableApplicationContext context, String reason) {
		return context.getBean(MeterRegistry.class)
			.get("pigeon.notifications.rejected")
			.tag("channel", CHANNEL)
			.tag("reason", reason)
			.counter()
			.count();
	}

	private static long query(String sql) throws Exception {
		try (Connection connection = PigeonTestDatabase.get().connect();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(sql)) {
			result.next();
			return result.getLong(1);
		}
	}

	private static void sql(String... statements) throws Exception {
		try (Connection connection = PigeonTestDatabase.get().connect();
				Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
	}

	@Configuration(proxyBeanMethods = false)
	@Import(ListenerTestApplication.class)
	static class Config {

		@Bean
		ItemListeners itemListeners(Recorder recorder) {
			return new ItemListeners(recorder);
		}

	}

	static class ItemListeners {

		private final Recorder recorder;

		ItemListeners(Recorder recorder) {
			this.recorder = recorder;
		}

		@PigeonListener(channel = CHANNEL)
		void onEvent(PigeonEvent<Map<String, Object>> event) {
			this.recorder.record("events", event);
		}

		@PigeonListener(channel = CHANNEL)
		void onData(Map<String, Object> data) {
			this.recorder.record("data", data);
		}

		@PigeonListener(channel = CHANNEL)
		void onPayload(String channel, String payload) {
			this.recorder.record("raw", payload);
		}

	}

}
