package io.pigeon.autoconfigure;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;

/**
 * Tests for {@link DurablePropertiesValidator}, through the auto-configuration that binds the
 * properties.
 */
class DurablePropertiesValidatorTests {

	private final DataSource dataSource = mock(DataSource.class);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PigeonAutoConfiguration.class))
		.withBean(DataSource.class, () -> this.dataSource);

	@Test
	void defaultsAreAccepted() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void boundaryValuesAreAccepted() {
		this.contextRunner
			.withPropertyValues("pigeon.durable.batch-size=1", "pigeon.durable.retry.max-attempts=1",
					"pigeon.durable.retry.multiplier=1", "pigeon.durable.lease-timeout=1s",
					"pigeon.durable.retry.initial-backoff=5s", "pigeon.durable.retry.max-backoff=5s",
					"pigeon.durable.poll-interval=1ms")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			retention=0s                                          | retention             | greater than zero
			batch-size=0                                          | batch-size            | at least 1
			poll-interval=0ms                                     | poll-interval         | greater than zero
			poll-interval=-1s                                     | poll-interval         | greater than zero
			lease-timeout=999ms                                   | lease-timeout         | at least a second
			subscription-expiry=0s                                | subscription-expiry   | greater than zero
			maintenance-interval=0s                               | maintenance-interval  | greater than zero
			retry.max-attempts=0                                  | retry.max-attempts    | at least 1
			retry.multiplier=0.5                                  | retry.multiplier      | at least 1
			retry.initial-backoff=0s                              | retry.initial-backoff | greater than zero
			retry.max-backoff=-1s                                 | retry.max-backoff     | greater than zero
			retry.initial-backoff=10m                             | retry.initial-backoff | not be longer than pigeon.durable.retry.max-backoff
			""")
	void invalidValueFailsStartUpNamingItsPropertyBeforeConnecting(String property, String name, String reason) {
		this.contextRunner.withPropertyValues("pigeon.durable." + property).run((context) -> {
			Throwable failure = context.getStartupFailure();
			while (failure != null && !(failure instanceof InvalidConfigurationPropertyValueException)) {
				failure = failure.getCause();
			}
			assertThat(failure).isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class, (ex) -> {
				assertThat(ex.getName()).isEqualTo("pigeon.durable." + name);
				assertThat(ex.getReason()).contains(reason);
			});
			verifyNoInteractions(this.dataSource);
		});
	}

}
