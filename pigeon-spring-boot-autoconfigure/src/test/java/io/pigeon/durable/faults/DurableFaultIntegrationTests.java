package io.pigeon.durable.faults;

import java.sql.SQLException;

import io.pigeon.test.ChildJvm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Durable delivery survives real faults of the application and of its connections, in
 * {@link DurableFaultApplication}s run in child JVMs against the test database: an application
 * killed with {@code kill -9} in the middle of a burst of 10,000 changes, and started again,
 * receives every change (exactly once when its listener runs in the acknowledgement's
 * transaction); an application stopped while the changes are written receives all of them, in
 * order, when it starts again; terminating its backends with {@code pg_terminate_backend} loses
 * nothing.
 * <p>
 * Pending until durable delivery is merged: {@link FaultFixture#assumeDurableDelivery} skips
 * every test when no change log appears at an application's start-up.
 */
class DurableFaultIntegrationTests {

	private static final int CHANGES = 10_000;

	private static boolean durableDelivery;

	private FaultFixture fixture;

	@BeforeAll
	static void probeDurableDelivery() throws SQLException {
		try (FaultFixture probe = FaultFixture.inTestDatabase()) {
			durableDelivery = FaultFixture.probeDurableDelivery(probe);
		}
	}

	@BeforeEach
	void createScenario() throws SQLException {
		FaultFixture.assumeDurableDelivery(durableDelivery);
		this.fixture = FaultFixture.inTestDatabase();
	}

	@AfterEach
	void dropScenario() throws SQLException {
		if (this.fixture != null) {
			this.fixture.close();
		}
	}

	@ParameterizedTest(name = "transactional listener: {0}")
	@ValueSource(booleans = { true, false })
	void applicationKilledWithKill9InTheMiddleOfABurstReceivesEveryChangeAfterItsRestart(boolean transactional) {
		ChildJvm.Builder application = this.fixture.application("a", transactional);
		ChildJvm first = this.fixture.start(application);
		this.fixture.writeItems(1, CHANGES / 2, 5);
		this.fixture.awaitEffects(500, FaultFixture.DELIVERY_TIMEOUT);
		first.kill9();
		assertThat(first.exitValue()).isEqualTo(137);
		long beforeRestart = this.fixture.effects();
		assertThat(beforeRestart).as("killed in the middle of the burst").isLessThan(CHANGES);
		this.fixture.writeItems(CHANGES / 2 + 1, CHANGES, 5);
		this.fixture.start(application);
		this.fixture.awaitEffects(CHANGES, FaultFixture.DELIVERY_TIMEOUT);
		assertThat(this.fixture.itemsWithoutEffect()).as("changes lost").isZero();
		assertThat(this.fixture.itemsWithSeveralEffects()).as("changes delivered under two event ids").isZero();
		assertThat(this.fixture.effects()).isEqualTo(CHANGES);
		assertThat(this.fixture.deadLetters()).isZero();
		if (transactional) {
			assertThat(this.fixture.duplicateDeliveries()).as("events delivered again after their effect committed")
				.isEmpty();
		}
	}

	@Test
	void applicationStoppedWhileChangesAreWrittenReceivesAllOfThemInOrderWhenStartedAgain() {
		ChildJvm.Builder application = this.fixture.application("a", true);
		ChildJvm first = this.fixture.start(application);
		this.fixture.writeItems(1, 1_000, 1);
		this.fixture.awaitEffects(1, FaultFixture.DELIVERY_TIMEOUT);
		first.stop();
		assertThat(first.exitValue()).isEqualTo(143);
		this.fixture.writeItems(1_001, CHANGES, 9);
		this.fixture.start(application);
		this.fixture.awaitEffects(CHANGES, FaultFixture.DELIVERY_TIMEOUT);
		assertThat(this.fixture.itemsWithoutEffect()).as("changes lost").isZero();
		assertThat(this.fixture.effects()).isEqualTo(CHANGES);
		assertThat(this.fixture.effectsOutOfOrder()).as("effects received after a later event's").isZero();
		assertThat(this.fixture.duplicateDeliveries()).as("events delivered again after their effect committed")
			.isEmpty();
		assertThat(this.fixture.deadLetters()).isZero();
	}

	@Test
	void terminatedBackendsInTheMiddleOfABurstLoseNothing() {
		this.fixture.start("a", true);
		this.fixture.writeItems(1, CHANGES / 2, 5);
		this.fixture.awaitEffects(500, FaultFixture.DELIVERY_TIMEOUT);
		assertThat(this.fixture.terminateBackendsOf("a")).as("backends terminated").isPositive();
		long afterFirst = this.fixture.effects();
		this.fixture.writeItems(CHANGES / 2 + 1, CHANGES, 5);
		this.fixture.awaitEffects(Math.min(afterFirst + 500, CHANGES - 1), FaultFixture.DELIVERY_TIMEOUT);
		assertThat(this.fixture.terminateBackendsOf("a")).as("backends terminated again").isPositive();
		this.fixture.awaitEffects(CHANGES, FaultFixture.DELIVERY_TIMEOUT);
		assertThat(this.fixture.itemsWithoutEffect()).as("changes lost").isZero();
		assertThat(this.fixture.effects()).isEqualTo(CHANGES);
		assertThat(this.fixture.duplicateDeliveries()).as("events delivered again after their effect committed")
			.isEmpty();
		assertThat(this.fixture.deadLetters()).isZero();
	}

}
