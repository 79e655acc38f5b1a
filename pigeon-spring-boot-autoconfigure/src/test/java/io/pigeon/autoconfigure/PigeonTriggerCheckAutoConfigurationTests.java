package io.pigeon.autoconfigure;

import javax.sql.DataSource;

import io.pigeon.internal.install.TriggerStateChecker;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link PigeonTriggerCheckAutoConfiguration}: the check follows the installer, and
 * its properties switch it off or are refused with their path. The check itself is covered by
 * {@code PigeonTriggerCheckIntegrationTests}.
 */
class PigeonTriggerCheckAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(PigeonAutoConfiguration.class, PigeonTriggerCheckAutoConfiguration.class))
		.withBean(DataSource.class, () -> mock(DataSource.class));

	@Test
	void checksByDefaultWhereTheInstallerIs() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(TriggerStateChecker.class));
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(PigeonAutoConfiguration.class, PigeonTriggerCheckAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(TriggerStateChecker.class));
	}

	@Test
	void enabledFalseSwitchesTheCheckOff() {
		this.contextRunner.withPropertyValues("pigeon.install.trigger-check.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(TriggerStateChecker.class));
		this.contextRunner.withPropertyValues("pigeon.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(TriggerStateChecker.class));
	}

	@Test
	void anIntervalThatIsNotPositiveIsRefusedNamingTheProperty() {
		this.contextRunner.withPropertyValues("pigeon.install.trigger-check.interval=0s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("pigeon.install.trigger-check.interval")
				.hasMessageContaining("pigeon.install.trigger-check.enabled"));
	}

}
