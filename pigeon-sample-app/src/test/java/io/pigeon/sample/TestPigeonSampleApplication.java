package io.pigeon.sample;

import org.testcontainers.postgresql.PostgreSQLContainer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.annotation.Bean;

/**
 * Runs the sample application with a PostgreSQL that Testcontainers starts in Docker, for
 * machines without a PostgreSQL of their own:
 * {@code ./mvnw -pl pigeon-sample-app -am spring-boot:test-run}. The container's connection
 * details replace {@code spring.datasource.*}, for the pool, Flyway and Pigeon's listener alike.
 */
public class TestPigeonSampleApplication {

	public static void main(String[] args) {
		SpringApplication.from(PigeonSampleApplication::main).with(PostgresContainerConfiguration.class).run(args);
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class PostgresContainerConfiguration {

		@Bean
		@ServiceConnection
		PostgreSQLContainer postgres() {
			return new PostgreSQLContainer("postgres:15-alpine");
		}

	}

}
