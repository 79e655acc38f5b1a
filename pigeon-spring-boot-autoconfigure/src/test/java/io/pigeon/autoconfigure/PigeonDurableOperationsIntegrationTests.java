package io.pigeon.autoconfigure;

import java.time.Duration;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pigeon.PigeonSubscriptions;
import io.pigeon.internal.durable.DurableLogSql;
import io.pigeon.test.PigeonTestDatabase;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Durable delivery's operations in an application: the beans, and maintenance rotating the log
 * every {@code pigeon.durable.maintenance-interval} on its own.
 */
class PigeonDurableOperationsIntegrationTests {

	private final PigeonTestDatabase database = PigeonTestDatabase.get();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PigeonAutoConfiguration.class,
				PigeonListenerHealthAutoConfiguration.class, PigeonDurableActuatorAutoConfiguration.class))
		.withUserConfiguration(DataSourceConfiguration.class)
		.withPropertyValues("pigeon.install.mode=none");

	@Test
	void maintenanceRotatesTheLogAndTheOperationsAreBeans() {
		String schema = PigeonTestDatabase.uniqueName("pigeon_durable_app");
		JdbcTemplate jdbc = new JdbcTemplate(dataSource());
		jdbc.execute("CREATE SCHEMA " + schema);
		DurableLogSql sql = new DurableLogSql(schema);
		jdbc.execute(sql.createObjects());
		try {
			this.contextRunner
				.withPropertyValues("pigeon.install.schema=" + schema, "pigeon.durable.retention=400ms",
						"pigeon.durable.maintenance-interval=100ms")
				.run((context) -> {
					assertThat(context).hasSingleBean(PigeonSubscriptions.class)
						.hasSingleBean(PigeonEndpoint.class)
						.hasSingleBean(PigeonDurableMetrics.class)
						.hasSingleBean(PigeonHealthIndicator.class);
					await().atMost(Duration.ofSeconds(10))
						.until(() -> jdbc.queryForObject(sql.currentSlotExpression().replaceAll("^\\(|\\)$", ""),
								Integer.class) != 0);
				});
		}
		finally {
			jdbc.execute("DROP SCHEMA " + schema + " CASCADE");
		}
	}

	@Test
	void withoutActuatorThereIsNoEndpointAndWithoutDataSourceNothing() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.run((context) -> assertThat(context).hasSingleBean(PigeonSubscriptions.class)
				.doesNotHaveBean(PigeonEndpoint.class));
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PigeonAutoConfiguration.class,
					PigeonDurableActuatorAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(PigeonSubscriptions.class)
				.doesNotHaveBean(PigeonEndpoint.class));
	}

	private DataSource dataSource() {
		return new DriverManagerDataSource(this.database.getJdbcUrl(), this.database.getUsername(),
				this.database.getPassword());
	}

	@Configuration(proxyBeanMethods = false)
	static class DataSourceConfiguration {

		@Bean
		DataSource dataSource() {
			PigeonTestDatabase database = PigeonTestDatabase.get();
			return new DriverManagerDataSource(database.getJdbcUrl(), database.getUsername(), database.getPassword());
		}

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

}
