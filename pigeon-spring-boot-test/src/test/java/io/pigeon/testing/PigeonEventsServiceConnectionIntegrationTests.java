package io.pigeon.testing;

import java.time.Duration;
import java.util.Map;

import io.pigeon.PigeonAction;
import io.pigeon.PigeonEvent;
import io.pigeon.PigeonListener;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Pigeon with Testcontainers 2 and {@code @ServiceConnection}, unchanged: the container's
 * {@code JdbcConnectionDetails} configure the pool, the installer and the listener connection,
 * with no {@code spring.datasource.*} at all, and the kit records what was delivered. Needs a
 * Docker engine; skipped with a reason without one.
 */
class PigeonEventsServiceConnectionIntegrationTests {

	@Test
	void triggerDeliveredChangesArriveThroughTheServiceConnection() {
		assumeTrue(DockerClientFactory.instance().isDockerAvailable(),
				"No Docker engine: @ServiceConnection with a Testcontainers PostgreSQL cannot be started here");
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Application.class,
				PostgresContainerConfiguration.class)
			.web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.properties("pigeon.install.mode=auto", "pigeon.schemas[0].name=public",
					"pigeon.schemas[0].tables[0].name=birds")
			.run()) {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			PigeonEvents pigeonEvents = context.getBean(PigeonEvents.class);
			jdbc.execute("INSERT INTO birds VALUES (1, 'pigeon')");
			PigeonEvent<Map<String, Object>> event = pigeonEvents.await()
				.channel("birds")
				.action(PigeonAction.INSERT)
				.within(Duration.ofSeconds(30));
			assertThat(event.data()).containsEntry("name", "pigeon");
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

		@PigeonListener(channel = "birds")
		void onBird(PigeonEvent<Map<String, Object>> event) {
		}

	}

	@TestConfiguration(proxyBeanMethods = false)
	static class PostgresContainerConfiguration {

		@Bean
		@ServiceConnection
		PostgreSQLContainer postgres() {
			// The table exists before Pigeon installs its trigger at start-up.
			return new PostgreSQLContainer("postgres:15-alpine").withInitScript("birds.sql");
		}

	}

}
