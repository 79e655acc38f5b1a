package io.pigeon.testing;

import javax.sql.DataSource;

import io.pigeon.autoconfigure.PigeonAutoConfiguration;
import io.pigeon.autoconfigure.PigeonListenerAutoConfiguration;
import io.pigeon.internal.listener.DeliveryObserver;
import org.junit.jupiter.api.Test;
import org.postgresql.Driver;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for the conditions of {@link PigeonTestAutoConfiguration}. No test here connects: there
 * is no listener method, so the listener opens no connection.
 */
class PigeonTestAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, PigeonAutoConfiguration.class,
				PigeonListenerAutoConfiguration.class, PigeonTestAutoConfiguration.class))
		.withUserConfiguration(DataSourceConfiguration.class)
		.withPropertyValues("pigeon.install.mode=none");

	@Test
	void isRegisteredAsAnAutoConfiguration() {
		assertThat(ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader()))
			.contains(PigeonTestAutoConfiguration.class.getName());
	}

	@Test
	void recordsDeliveriesByDefault() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(PigeonEvents.class);
			// The listener's container factory tells every DeliveryObserver bean: the recorder is one.
			assertThat(context.getBeansOfType(DeliveryObserver.class)).containsOnlyKeys("pigeonDeliveryRecorder");
		});
	}

	@Test
	void isSwitchedOffByProperty() {
		this.contextRunner.withPropertyValues("pigeon.test.events.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(PigeonEvents.class);
			assertThat(context).doesNotHaveBean(DeliveryObserver.class);
		});
	}

	@Test
	void deliveringWithTheListenerSwitchedOffSaysSo() {
		this.contextRunner.withPropertyValues("pigeon.listener.enabled=false").run((context) -> {
			PigeonEvents pigeonEvents = context.getBean(PigeonEvents.class);
			assertThatIllegalStateException()
				.isThrownBy(() -> pigeonEvents.deliver(PigeonTestChanges.truncate("items")))
				.withMessage("Synthetic changes are delivered to @PigeonListener methods, but Pigeon's listener is "
						+ "switched off (pigeon.enabled or pigeon.listener.enabled is false): remove that property "
						+ "in the test to deliver them");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class DataSourceConfiguration {

		@Bean
		DataSource dataSource() {
			// Never connected to: nothing here listens or installs.
			return new SimpleDriverDataSource(new Driver(), "jdbc:postgresql://localhost:1/none");
		}

	}

}
