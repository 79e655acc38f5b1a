package io.pigeon.internal.install;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ConfigurationVersions}.
 */
class ConfigurationVersionsTests {

	@Test
	void numbersCompareNumerically() {
		assertNewer("1.10", "1.9");
		assertNewer("2", "1.99.99");
		assertNewer("1.0.1", "1.0");
		assertNewer("10.0", "9.0");
		assertNewer("12345678901234567890123", "12345678901234567890122");
	}

	@Test
	void trailingZerosAndReleaseQualifiersAreTheSameRelease() {
		assertSame("1.0.0", "1");
		assertSame("1.0", "1.0.0");
		assertSame("1.0-RELEASE", "1.0");
		assertSame("1.0.Final", "1.0.0");
		assertSame("v1", "V1");
	}

	@Test
	void preReleasesComeBeforeTheirRelease() {
		assertNewer("1.0", "1.0-SNAPSHOT");
		assertNewer("1.0-SNAPSHOT", "1.0-RC1");
		assertNewer("1.0-RC2", "1.0-RC1");
		assertNewer("1.0-RC1", "1.0-M3");
		assertNewer("1.0-M1", "1.0-beta");
		assertNewer("1.0-beta", "1.0-alpha");
		assertNewer("1.0-sp1", "1.0");
		assertNewer("1.1-alpha", "1.0");
		assertNewer("1.0.1", "1.0-rc1");
	}

	@Test
	void unknownQualifiersOrderAlphabeticallyAfterKnownOnes() {
		assertNewer("1.0-zeta", "1.0-sp");
		assertNewer("1.0-zeta", "1.0-yak");
	}

	@Test
	void sortsAListOfVersions() {
		List<String> versions = new ArrayList<>(List.of("1.10", "1.2", "1.9", "1.10-rc1", "0.9", "1.2.1"));
		Collections.shuffle(versions);
		versions.sort(ConfigurationVersions.ORDER);
		assertThat(versions).containsExactly("0.9", "1.2", "1.2.1", "1.9", "1.10-rc1", "1.10");
	}

	private static void assertNewer(String newer, String older) {
		assertThat(ConfigurationVersions.ORDER.compare(newer, older)).as(newer + " > " + older).isPositive();
		assertThat(ConfigurationVersions.ORDER.compare(older, newer)).as(older + " < " + newer).isNegative();
	}

	private static void assertSame(String left, String right) {
		assertThat(ConfigurationVersions.ORDER.compare(left, right)).as(left + " = " + right).isZero();
		assertThat(ConfigurationVersions.ORDER.compare(right, left)).as(right + " = " + left).isZero();
	}

}
