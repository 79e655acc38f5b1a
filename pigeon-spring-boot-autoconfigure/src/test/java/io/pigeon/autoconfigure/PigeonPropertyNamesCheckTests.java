package io.pigeon.autoconfigure;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PigeonPropertyNamesCheck}: unknown keys under {@code pigeon.schemas},
 * {@code pigeon.install} and {@code pigeon.listener} fail start-up with their path and the
 * nearest valid key.
 */
class PigeonPropertyNamesCheckTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PigeonAutoConfiguration.class))
		.withPropertyValues("pigeon.install.mode=none");

	@Test
	void everyKnownKeyPasses() {
		this.contextRunner
			.withPropertyValues("pigeon.enabled=true", "pigeon.schemas[0].name=public",
					"pigeon.schemas[0].tables[0].name=items", "pigeon.schemas[0].tables[0].triggers[0].name=t",
					"pigeon.schemas[0].tables[0].triggers[0].columns[0]=id",
					"pigeon.schemas[0].tables[0].triggers[0].update-of=id",
					"pigeon.schemas[0].tables[0].triggers[0].include-old=true",
					"pigeon.schemas[0].tables[0].triggers[0].includeOld=true",
					"pigeon.schemas[0].tables[0].triggers[0].events=insert,update",
					"pigeon.durable.retry.max-attempts=3", "pigeon.durable.channels=orders",
					"pigeon.durable.wake-up=poll",
					"pigeon.schemas[0].tables[0].triggers[0].condition=NEW.id > 0",
					"pigeon.schemas[0].tables[0].triggers[0].changed-only=true",
					"pigeon.schemas[0].tables[0].triggers[0].ignore-columns=updated_at",
					"pigeon.schemas[0].tables[0].triggers[0].include-changed=true",
					"pigeon.schemas[0].tables[0].triggers[0].context.user=app.user_id",
					"pigeon.schemas[0].tables[0].triggers[0].include-rows=false",
					"pigeon.install.history-table=h", "pigeon.listener.reconnect.max-backoff=1s",
					"pigeon.listener.overflow-retention=2h", "pigeon.sample.demo=true")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void unknownKeysFailWithTheirPathAndTheNearestKey() {
		this.contextRunner
			.withPropertyValues("pigeon.schemas[0].name=public", "pigeon.schemas[0].tables[0].name=items",
					"pigeon.schemas[0].tables[0].triggers[0].colums[0]=id",
					"pigeon.schemas[0].tables[0].triggers[0].udpate-of=id", "pigeon.schemas[0].tabels[0].name=x",
					"pigeon.schemas[0].tables[0].triggers[0].changed-onyl=true",
					"pigeon.listener.reconect.max-backoff=1s", "pigeon.install.zzzzzzzz=1",
					"pigeon.durable.batch-sise=5", "pigeon.durable.retry.max-attemps=3")
			.run((context) -> {
				assertThat(context).hasFailed();
				Throwable failure = context.getStartupFailure();
				while (!(failure instanceof UnknownPigeonPropertiesException)) {
					assertThat(failure.getCause()).isNotNull();
					failure = failure.getCause();
				}
				List<String> found = ((UnknownPigeonPropertiesException) failure).getUnknownKeys()
					.stream()
					.map((key) -> key.path() + " -> " + key.suggestion())
					.toList();
				assertThat(found).containsExactlyInAnyOrder(
						"pigeon.schemas[0].tables[0].triggers[0].colums -> columns",
						"pigeon.schemas[0].tables[0].triggers[0].udpate-of -> update-of",
						"pigeon.schemas[0].tabels -> tables", "pigeon.listener.reconect -> reconnect",
						"pigeon.schemas[0].tables[0].triggers[0].changed-onyl -> changed-only",
						"pigeon.install.zzzzzzzz -> null", "pigeon.durable.batch-sise -> batch-size",
						"pigeon.durable.retry.max-attemps -> max-attempts");
				FailureAnalysis analysis = new UnknownPigeonPropertiesFailureAnalyzer().analyze(failure);
				assertThat(analysis.getDescription())
					.contains("pigeon.schemas[0].tables[0].triggers[0].colums: unknown key `colums`");
				assertThat(analysis.getAction())
					.contains("pigeon.schemas[0].tables[0].triggers[0].colums: did you mean `columns`? (valid keys "
							+ "there: ")
					.contains("update-of")
					.contains("pigeon.install.zzzzzzzz: valid keys there: ");
			});
	}

	@Test
	void overflowRetentionShorterThanAMinuteIsRefused() {
		this.contextRunner.withPropertyValues("pigeon.listener.overflow-retention=59s")
			.withUserConfiguration(PigeonListenerAutoConfigurationTests.DataSourceConfiguration.class)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("pigeon.listener.overflow-retention")
				.hasMessageContaining("at least a minute"));
		this.contextRunner.withPropertyValues("pigeon.listener.overflow-retention=1m")
			.withUserConfiguration(PigeonListenerAutoConfigurationTests.DataSourceConfiguration.class)
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void shortDistancesFindTyposOnly() {
		assertThat(PigeonPropertyNamesCheck.distance("udpateof", "updateof")).isEqualTo(1);
		assertThat(PigeonPropertyNamesCheck.nearest("colums", List.of("name", "columns", "channel")))
			.isEqualTo("columns");
		assertThat(PigeonPropertyNamesCheck.nearest("zzzzzzzz", List.of("name", "columns", "channel"))).isNull();
	}

}
