package io.pigeon.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import io.pigeon.test.PigeonTestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs the sample's executable jar, as {@code ./mvnw package} built it with AOT processing, in
 * the JVM's AOT mode ({@code java -Dspring.aot.enabled=true -jar … --pigeon.sample.demo=true}) in
 * a process of its own against the test database, and reads the demo's events in its output:
 * the application context comes from the generated code, not from reflection over the
 * configuration. A native image is built from that same code and from the reachability metadata
 * the jar carries, which this test reads too.
 * <p>
 * Run by failsafe after {@code package}, which names the jar in the system property
 * {@code pigeon.sample.jar}.
 */
class PigeonSampleAotModeIT {

	private static final String REACHABILITY_METADATA = "META-INF/native-image/io.pigeon/"
			+ "pigeon-sample-app/reachability-metadata.json";

	private static final Duration STARTUP = Duration.ofMinutes(2);

	private final PigeonTestDatabase database = PigeonTestDatabase.get();

	private final String schema = PigeonTestDatabase.uniqueName("pigeon_sample_aot");

	private Process process;

	@AfterEach
	void stopAndDropSchema() throws InterruptedException, SQLException {
		if (this.process != null) {
			this.process.destroy();
			if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor();
			}
		}
		try (Connection connection = this.database.connect(); Statement statement = connection.createStatement()) {
			statement.execute("DROP SCHEMA IF EXISTS \"" + this.schema + "\" CASCADE");
		}
	}

	@Test
	void demoEventsArriveInAotMode() throws IOException {
		Path jar = packagedJar();
		Path log = jar.resolveSibling("aot-mode-sample.log");
		ProcessBuilder builder = new ProcessBuilder(javaExecutable(), "-Dspring.aot.enabled=true", "-jar",
				jar.toString(), "--pigeon.sample.demo=true", "--server.port=0",
				"--pigeon.sample.schema=" + this.schema)
			.redirectErrorStream(true)
			.redirectOutput(log.toFile());
		Map<String, String> environment = builder.environment();
		environment.put("SPRING_DATASOURCE_URL", this.database.getJdbcUrl());
		environment.put("SPRING_DATASOURCE_USERNAME", this.database.getUsername());
		environment.put("SPRING_DATASOURCE_PASSWORD", this.database.getPassword());
		this.process = builder.start();
		String table = this.schema + ".items";
		await().atMost(STARTUP).untilAsserted(() -> {
			assertThat(this.process.isAlive()).as("the application is running (its output: %s)", log).isTrue();
			assertThat(Files.readString(log)).contains("Starting AOT-processed PigeonSampleApplication")
				.contains("INSERT on " + table + ": {item_no=1, item_description=Bird seed, price=4.25")
				.contains("UPDATE on " + table + ": {item_no=1, item_description=Bird seed, price=5.75")
				.contains("DELETE on " + table + ": {item_no=1, item_description=Bird seed, price=5.75")
				.contains("Price of item 1 (Bird seed): 4.25 -> 5.75");
		});
		String output = Files.readString(log);
		assertThat(output.indexOf("INSERT on " + table)).isLessThan(output.indexOf("UPDATE on " + table));
		assertThat(output.indexOf("UPDATE on " + table)).isLessThan(output.indexOf("DELETE on " + table));
		assertThat(output).doesNotContain("could not remove pgjdbc's 1 ms quiet-wait");
	}

	@Test
	void jarCarriesReachabilityMetadataForPigeon() throws IOException {
		JsonNode metadata;
		try (ZipFile zip = new ZipFile(packagedJar().toFile())) {
			ZipEntry entry = zip.getEntry(REACHABILITY_METADATA);
			assertThat(entry).as(REACHABILITY_METADATA).isNotNull();
			metadata = JsonMapper.shared().readTree(zip.getInputStream(entry));
		}
		Map<String, JsonNode> reflection = new HashMap<>();
		metadata.get("reflection").forEach((hint) -> reflection.put(hint.get("type").asString(), hint));
		// The listener methods and the types they bind (@Reflective on @PigeonListener)
		assertThat(names(reflection.get("io.pigeon.sample.PriceChangeLogger"), "methods")).contains("onPriceChange");
		assertThat(names(reflection.get("io.pigeon.sample.ItemChangeLogger"), "methods")).contains("onChange");
		assertThat(names(reflection.get("io.pigeon.sample.ItemPrice"), "methods")).contains("itemNo", "description",
				"price");
		// Pigeon's own hints (META-INF/spring/aot.factories)
		assertThat(names(reflection.get("io.pigeon.internal.listener.ChangeEnvelope"), "methods")).contains("data",
				"old");
		assertThat(names(reflection.get("org.postgresql.core.PGStream"), "fields"))
			.contains("nextStreamAvailableCheckTime");
		assertThat(names(reflection.get("org.postgresql.core.QueryExecutorBase"), "fields")).contains("pgStream");
	}

	private static List<String> names(JsonNode hint, String members) {
		assertThat(hint).as("a reflection hint").isNotNull();
		List<String> names = new ArrayList<>();
		hint.path(members).forEach((member) -> names.add(member.get("name").asString()));
		return names;
	}

	private static Path packagedJar() {
		String jar = System.getProperty("pigeon.sample.jar");
		assumeThat(jar).as("the system property pigeon.sample.jar, which ./mvnw verify sets to the packaged jar "
				+ "(this test runs after package; run it with ./mvnw verify)").isNotNull();
		Path path = Path.of(jar);
		assertThat(path).as("the jar ./mvnw package builds").isRegularFile();
		return path;
	}

	private static String javaExecutable() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

}
