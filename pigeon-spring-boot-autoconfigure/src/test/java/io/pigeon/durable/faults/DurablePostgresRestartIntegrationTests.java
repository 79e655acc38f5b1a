package io.pigeon.durable.faults;

import java.sql.SQLException;

import io.pigeon.test.PrivatePostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Durable delivery survives a real restart of PostgreSQL in the middle of a burst of 10,000
 * changes: a {@link PrivatePostgres} cluster restarted with {@code pg_ctl restart}, fast (as an
 * administrator restarts it) and immediate (as in a crash, with recovery), while a
 * {@link DurableFaultApplication} in a child JVM receives the changes. Every change arrives,
 * exactly once with the transactional listener.
 * <p>
 * Pending until durable delivery is merged: {@link FaultFixture#assumeDurableDelivery} skips
 * every test when no change log appears at an application's start-up; skipped as well where the PostgreSQL server
 * binaries are missing.
 */
class DurablePostgresRestartIntegrationTests {

	private static final int CHANGES = 10_000;

	private static PrivatePostgres postgres;

	private static boolean durableDelivery;

	private FaultFixture fixture;

	@BeforeAll
	static void startPostgres() throws SQLException {
		postgres = PrivatePostgres.start();
		try (FaultFixture probe = FaultFixture.in(postgres)) {
			durableDelivery = FaultFixture.probeDurableDelivery(probe);
		}
	}

	@AfterAll
	static void closePostgres() {
		if (postgres != null) {
			postgres.close();
		}
	}

	@BeforeEach
	void createScenario() throws SQLException {
		FaultFixture.assumeDurableDelivery(durableDelivery);
		this.fixture = FaultFixture.in(postgres);
	}

	@AfterEach
	void dropScenario() throws SQLException {
		if (this.fixture != null) {
			this.fixture.close();
		}
	}

	@ParameterizedTest(name = "immediate: {0}")
	@ValueSource(booleans = { false, true })
	void postgresRestartedInTheMiddleOfABurstLosesNothing(boolean immediate) {
		this.fixture.start("a", true);
		this.fixture.writeItems(1, CHANGES / 2, 5);
		this.fixture.awaitEffects(500, FaultFixture.DELIVERY_TIMEOUT);
		if (immediate) {
			postgres.restartImmediately();
		}
		else {
			postgres.restart();
		}
		this.fixture.writeItems(CHANGES / 2 + 1, CHANGES, 5);
		this.fixture.awaitEffects(CHANGES, FaultFixture.DELIVERY_TIMEOUT);
		assertThat(this.fixture.itemsWithoutEffect()).as("changes lost").isZero();
		assertThat(this.fixture.effects()).isEqualTo(CHANGES);
		assertThat(this.fixture.duplicateDeliveries()).as("events delivered again after their effect committed")
			.isEmpty();
		assertThat(this.fixture.deadLetters()).isZero();
	}

}
