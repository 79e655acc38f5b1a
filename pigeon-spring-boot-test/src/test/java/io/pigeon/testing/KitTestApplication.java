package io.pigeon.testing;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.pigeon.PigeonAction;
import io.pigeon.PigeonErrorHandler;
import io.pigeon.PigeonEvent;
import io.pigeon.PigeonListener;
import io.pigeon.test.PigeonTestDatabase;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * An application with listener methods of each kind the kit's tests deliver to, started with
 * every auto-configuration on the classpath (so the kit's own is found through its imports file)
 * against the test database, with triggers on a schema of its own.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
class KitTestApplication {

	static final String ITEMS = "kit_items";

	static final String FAILING = "kit_failing";

	static final String SYNTHETIC = "kit_synthetic";

	static final String INSERTS_ID = "kitListeners.onSyntheticInsert";

	static final String EVENTS_ID = "kitListeners.onSyntheticEvent";

	static final String FAILING_ID = "kitListeners.onFailing";

	@Bean
	KitListeners kitListeners() {
		return new KitListeners();
	}

	@Bean
	RecordingErrorHandler recordingErrorHandler() {
		return new RecordingErrorHandler();
	}

	/**
	 * Create the schema and its tables, then start the application installing triggers on them.
	 * @param schema a schema name of the test's own
	 * @param properties extra properties as {@code key=value}
	 * @return the running application
	 * @throws Exception if the schema cannot be created
	 */
	static ConfigurableApplicationContext run(String schema, String... properties) throws Exception {
		sql("CREATE SCHEMA " + schema, "CREATE TABLE " + schema + ".items (id int PRIMARY KEY, name text)",
				"CREATE TABLE " + schema + ".failing (id int PRIMARY KEY, name text)");
		PigeonTestDatabase database = PigeonTestDatabase.get();
		List<String> all = new ArrayList<>(List.of("spring.datasource.url=" + database.getJdbcUrl(),
				"spring.datasource.username=" + database.getUsername(),
				"spring.datasource.password=" + database.getPassword(), "spring.datasource.hikari.maximum-pool-size=4",
				"pigeon.install.mode=auto", "pigeon.install.schema=" + schema, "pigeon.schemas[0].name=" + schema,
				"pigeon.schemas[0].tables[0].name=items", "pigeon.schemas[0].tables[0].triggers[0].channel=" + ITEMS,
				"pigeon.schemas[0].tables[1].name=failing",
				"pigeon.schemas[0].tables[1].triggers[0].channel=" + FAILING));
		all.addAll(List.of(properties));
		return new SpringApplicationBuilder(KitTestApplication.class).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.registerShutdownHook(false)
			.properties(all.toArray(String[]::new))
			.run();
	}

	static void drop(String schema) throws Exception {
		sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
	}

	static void sql(String... statements) throws Exception {
		try (Connection connection = PigeonTestDatabase.get().connect();
				Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
	}

	record Item(int id, String name) {
	}

	/**
	 * The application's listener methods, recording what they were called with and on which
	 * thread.
	 */
	static class KitListeners {

		final List<Item> inserted = new CopyOnWriteArrayList<>();

		final List<PigeonEvent<Item>> events = new CopyOnWriteArrayList<>();

		final List<Thread> threads = new CopyOnWriteArrayList<>();

		final List<Map<String, Object>> items = new CopyOnWriteArrayList<>();

		@PigeonListener(channel = ITEMS)
		void onItem(Map<String, Object> item) {
			this.items.add(item);
		}

		@PigeonListener(channel = SYNTHETIC, actions = PigeonAction.INSERT)
		void onSyntheticInsert(Item item) {
			this.threads.add(Thread.currentThread());
			this.inserted.add(item);
		}

		@PigeonListener(channel = SYNTHETIC)
		void onSyntheticEvent(PigeonEvent<Item> event) {
			this.threads.add(Thread.currentThread());
			this.events.add(event);
		}

		@PigeonListener(channel = FAILING)
		void onFailing(Item item) {
			if (item.name().startsWith("bad")) {
				throw new IllegalStateException("Refusing " + item.name());
			}
		}

	}

	/**
	 * The application's error handler, recording the failures Pigeon reports to it by channel.
	 */
	static class RecordingErrorHandler implements PigeonErrorHandler {

		final Map<String, List<Throwable>> failures = new ConcurrentHashMap<>();

		@Override
		public void handleError(String channel, String payload, Throwable failure) {
			this.failures.computeIfAbsent(channel, (key) -> new CopyOnWriteArrayList<>()).add(failure);
		}

	}

}
