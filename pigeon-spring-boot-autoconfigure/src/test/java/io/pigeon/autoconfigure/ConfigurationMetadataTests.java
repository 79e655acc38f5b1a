package io.pigeon.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the configuration metadata generated from {@link PigeonProperties} and
 * {@code additional-spring-configuration-metadata.json}: every key of the installer and of the
 * listener is documented, with its default and its valid values, and the hand-written entries of
 * the nested {@code pigeon.schemas} keys say what the fields' Javadoc says.
 */
class ConfigurationMetadataTests {

	private static final String TRIGGER = "pigeon.schemas[].tables[].triggers[].";

	/**
	 * A documented field of a nested properties class: its Javadoc, its name and its initial
	 * value, if any.
	 */
	private static final Pattern FIELD = Pattern.compile(
			"/\\*\\*((?:(?!\\*/).)*)\\*/\\s*private ([^;=]+?) (\\w+)(?: = ([^;]+))?;", Pattern.DOTALL);

	private final JsonNode metadata = read();

	@Test
	void documentsEveryInstallerKeyWithItsDefault() {
		Map<String, String> defaults = new LinkedHashMap<>();
		defaults.put("pigeon.enabled", "true");
		defaults.put("pigeon.install.mode", "\"auto\"");
		defaults.put("pigeon.install.schema", null);
		defaults.put("pigeon.install.history-table", "\"pigeon_schema_history\"");
		defaults.put("pigeon.install.lock-timeout", "\"60s\"");
		defaults.put("pigeon.install.export-location", null);
		defaults.put("pigeon.install.username", null);
		defaults.put("pigeon.install.password", null);
		defaults.put("pigeon.install.owner", null);
		defaults.put("pigeon.install.version", null);
		defaults.put("pigeon.install.allow-downgrade", "false");
		defaults.put("pigeon.schemas[].name", null);
		defaults.put("pigeon.schemas[].tables[].name", null);
		defaults.put(TRIGGER + "name", null);
		defaults.put(TRIGGER + "function", null);
		defaults.put(TRIGGER + "channel", null);
		defaults.put(TRIGGER + "columns", null);
		defaults.put(TRIGGER + "include-old", "false");
		defaults.put(TRIGGER + "level", "\"row\"");
		defaults.put(TRIGGER + "events", "[\"insert\",\"update\",\"delete\"]");
		defaults.put(TRIGGER + "update-of", null);
		defaults.put(TRIGGER + "timing", "\"after\"");
		defaults.put(TRIGGER + "active", "true");
		defaults.put(TRIGGER + "delivery", "\"notify\"");
		defaults.put(TRIGGER + "condition", null);
		defaults.put(TRIGGER + "changed-only", "false");
		defaults.put(TRIGGER + "ignore-columns", null);
		defaults.put(TRIGGER + "include-changed", "false");
		defaults.put(TRIGGER + "context", null);
		defaults.put(TRIGGER + "include-rows", "false");
		defaults.put(TRIGGER + "key", null);
		assertDocumentedWithDefaults(defaults);
	}

	private void assertDocumentedWithDefaults(Map<String, String> defaults) {
		defaults.forEach((name, defaultValue) -> {
			JsonNode property = find("properties", name);
			assertThat(property).as(name).isNotNull();
			assertThat(property.path("description").asString()).as(name).isNotBlank();
			JsonNode actual = property.get("defaultValue");
			assertThat((actual != null) ? actual.toString() : null).as(name).isEqualTo(defaultValue);
		});
	}

	/**
	 * The metadata processor cannot see into the {@code List} elements of
	 * {@code pigeon.schemas}, so their entries are written by hand: they must not drift from the
	 * fields' Javadoc and initial values in {@code PigeonProperties.java}.
	 */
	@Test
	void nestedKeysAreDocumentedAsTheirFieldsAre() throws IOException {
		String source = Files.readString(Path.of("src/main/java/io/pigeon/autoconfigure/PigeonProperties.java"));
		Map<String, String> prefixes = Map.of("Schema", "pigeon.schemas[].", "Table", "pigeon.schemas[].tables[].",
				"Trigger", TRIGGER);
		int checked = 0;
		for (Map.Entry<String, String> nested : prefixes.entrySet()) {
			Matcher field = FIELD.matcher(classBody(source, nested.getKey()));
			while (field.find()) {
				if (field.group(2).startsWith("List<Table>") || field.group(2).startsWith("List<Trigger>")) {
					continue;
				}
				String name = nested.getValue() + kebabCase(field.group(3));
				JsonNode property = find("properties", name);
				assertThat(property).as(name).isNotNull();
				assertThat(property.path("description").asString()).as(name).isEqualTo(javadoc(field.group(1)));
				JsonNode actual = property.get("defaultValue");
				assertThat((actual != null) ? actual.toString() : null).as(name)
					.isEqualTo(defaultOf(field.group(4)));
				checked++;
			}
		}
		assertThat(checked).isEqualTo(20);
	}

	private static String classBody(String source, String name) {
		int start = source.indexOf("public static class " + name + " {");
		assertThat(start).as(name).isNotNegative();
		int end = source.indexOf("\n\t}\n", start);
		return source.substring(start, end);
	}

	private static String javadoc(String comment) {
		return String.join(" ", comment.lines().map((line) -> line.strip().replaceFirst("^\\*\\s?", "").strip())
			.filter((line) -> !line.isEmpty()).toList());
	}

	private static String kebabCase(String field) {
		return field.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
	}

	/**
	 * The metadata's JSON for a field's initializer: an enum constant is written as its
	 * kebab-case value, a list of constants as an array, an empty list as no default.
	 */
	private static String defaultOf(String initializer) {
		if (initializer == null || initializer.equals("new ArrayList<>()") || initializer.equals("new LinkedHashMap<>()")) {
			return null;
		}
		Matcher constants = Pattern.compile("\\w+\\.([A-Z_]+)").matcher(initializer);
		StringBuilder values = new StringBuilder();
		while (constants.find()) {
			if (!values.isEmpty()) {
				values.append(',');
			}
			values.append('"').append(constants.group(1).toLowerCase(Locale.ROOT).replace('_', '-')).append('"');
		}
		if (values.isEmpty()) {
			return initializer;
		}
		return initializer.startsWith("new ") ? "[" + values + "]" : values.toString();
	}

	@Test
	void documentsEveryListenerKeyWithItsDefault() {
		Map<String, String> defaults = new LinkedHashMap<>();
		defaults.put("pigeon.listener.enabled", "true");
		defaults.put("pigeon.listener.url", null);
		defaults.put("pigeon.listener.username", null);
		defaults.put("pigeon.listener.password", null);
		defaults.put("pigeon.listener.queue-capacity", "10000");
		defaults.put("pigeon.listener.overflow-retention", "\"1h\"");
		defaults.put("pigeon.listener.validation-interval", "\"5s\"");
		defaults.put("pigeon.listener.validation-timeout", "\"5s\"");
		defaults.put("pigeon.listener.shutdown-timeout", "\"10s\"");
		defaults.put("pigeon.listener.fail-fast", "true");
		defaults.put("pigeon.listener.reconnect.initial-backoff", "\"100ms\"");
		defaults.put("pigeon.listener.reconnect.max-backoff", "\"30s\"");
		assertDocumentedWithDefaults(defaults);
	}

	/**
	 * The keys of the listener's instrumentation, and the health contributor's switch: Spring
	 * Boot reads {@code management.health.pigeon.enabled} through
	 * {@code @ConditionalOnEnabledHealthIndicator}, which IDEs cannot see, so it has a hand-written
	 * entry worded as Boot's own {@code management.health.*.enabled} keys are.
	 */
	@Test
	void documentsTheObservabilityKeysWithTheirDefaults() {
		Map<String, String> defaults = new LinkedHashMap<>();
		defaults.put("pigeon.listener.observation-enabled", "true");
		defaults.put("pigeon.listener.queue-usage-sample-interval", "\"10s\"");
		defaults.put("management.health.pigeon.enabled", "true");
		assertDocumentedWithDefaults(defaults);
		assertThat(find("properties", "management.health.pigeon.enabled").path("description").asString())
			.isEqualTo("Whether to enable Pigeon's listener health check.");
		assertThat(find("properties", "management.health.pigeon.enabled").path("type").asString())
			.isEqualTo("java.lang.Boolean");
	}

	@Test
	void describesEveryProperty() {
		assertThat(this.metadata.get("properties").values())
			.allSatisfy((property) -> assertThat(property.path("description").asString())
				.as(property.get("name").asString())
				.isNotBlank());
	}

	@Test
	void hintsTheValidValuesOfEveryEnumeratedKey() {
		assertThat(values("pigeon.install.mode")).containsExactly("auto", "validate", "none");
		assertThat(values(TRIGGER + "level")).containsExactly("row", "statement");
		assertThat(values(TRIGGER + "timing")).containsExactly("before", "after", "instead-of");
		assertThat(values(TRIGGER + "events")).containsExactly("insert", "update", "delete", "truncate");
	}

	private List<String> values(String name) {
		JsonNode hint = find("hints", name);
		assertThat(hint).as(name).isNotNull();
		return hint.get("values").values().stream().map((value) -> value.get("value").asString()).toList();
	}

	private JsonNode find(String section, String name) {
		return this.metadata.get(section)
			.values()
			.stream()
			.filter((entry) -> entry.get("name").asString().equals(name))
			.findFirst()
			.orElse(null);
	}

	/**
	 * Every Spring Boot jar has its own metadata too: pick Pigeon's.
	 */
	private static JsonNode read() {
		try {
			JsonMapper mapper = JsonMapper.builder().build();
			for (Resource resource : new PathMatchingResourcePatternResolver()
				.getResources("classpath*:META-INF/spring-configuration-metadata.json")) {
				try (InputStream input = resource.getInputStream()) {
					JsonNode metadata = mapper.readTree(input);
					if (metadata.get("groups")
						.values()
						.stream()
						.anyMatch((group) -> group.get("name").asString().equals("pigeon"))) {
						return metadata;
					}
				}
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("The configuration metadata cannot be read", ex);
		}
		throw new IllegalStateException("Pigeon's generated configuration metadata is missing");
	}

}
