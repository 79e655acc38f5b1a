package io.pigeon.internal.install;

import java.util.List;

import io.pigeon.internal.install.InstallHistory.Entry;
import io.pigeon.internal.install.PostgresCatalog.LiveTrigger;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TriggerDrift}: one verdict per trigger from the history's record and the
 * catalog, changes outside Pigeon named before a changed configuration.
 */
class TriggerDriftTests {

	private static final Entry ENTRY = new Entry("shop", "items", "watch", "watch_fn", "items", "sum", 10, 20, "tfp",
			"ffp");

	private static final LiveTrigger LIVE = live(10, 'O', "tfp", 20, "ffp");

	private static LiveTrigger live(long oid, char enabled, String fingerprint, long functionOid,
			String functionFingerprint) {
		return new LiveTrigger(oid, enabled, fingerprint, functionOid, "shop", "watch_fn", functionFingerprint,
				List.of());
	}

	@Test
	void triggerWithoutRecordIsNotInstalledOrForeign() {
		assertThat(TriggerDrift.of(null, null, "sum")).isEqualTo(TriggerDrift.NOT_INSTALLED);
		assertThat(TriggerDrift.of(null, LIVE, "sum")).isEqualTo(TriggerDrift.FOREIGN_TRIGGER);
	}

	@Test
	void recordedTriggerAsInstalledIsUpToDate() {
		assertThat(TriggerDrift.of(ENTRY, LIVE, "sum")).isEqualTo(TriggerDrift.UP_TO_DATE);
	}

	@Test
	void eachChangeOutsidePigeonHasItsOwnDrift() {
		assertThat(TriggerDrift.of(ENTRY, null, "sum")).isEqualTo(TriggerDrift.DROPPED);
		assertThat(TriggerDrift.of(ENTRY, live(10, 'D', "tfp", 20, "ffp"), "sum"))
			.isEqualTo(TriggerDrift.DISABLED);
		assertThat(TriggerDrift.of(ENTRY, live(11, 'O', "tfp", 20, "ffp"), "sum"))
			.isEqualTo(TriggerDrift.RECREATED);
		assertThat(TriggerDrift.of(ENTRY, live(10, 'O', "other", 20, "ffp"), "sum"))
			.isEqualTo(TriggerDrift.ALTERED);
		assertThat(TriggerDrift.of(ENTRY, live(10, 'O', "tfp", 21, "ffp"), "sum"))
			.isEqualTo(TriggerDrift.FUNCTION_RECREATED);
		assertThat(TriggerDrift.of(ENTRY, live(10, 'O', "tfp", 20, "other"), "sum"))
			.isEqualTo(TriggerDrift.FUNCTION_EDITED);
	}

	@Test
	void enableAlwaysAndEnableReplicaAreEnabled() {
		assertThat(TriggerDrift.of(ENTRY, live(10, 'A', "tfp", 20, "ffp"), "sum")).isEqualTo(TriggerDrift.UP_TO_DATE);
		assertThat(TriggerDrift.of(ENTRY, live(10, 'R', "tfp", 20, "ffp"), "sum")).isEqualTo(TriggerDrift.UP_TO_DATE);
	}

	@Test
	void aCloneDisabledOnAPartitionIsNamedAfterTheTriggerItselfDisabled() {
		LiveTrigger cloneDisabled = LIVE.withDisabledClones(List.of("shop.items_2026"));
		assertThat(TriggerDrift.of(ENTRY, cloneDisabled, "sum")).isEqualTo(TriggerDrift.DISABLED_ON_PARTITION);
		LiveTrigger bothDisabled = live(10, 'D', "tfp", 20, "ffp").withDisabledClones(List.of("shop.items_2026"));
		assertThat(TriggerDrift.of(ENTRY, bothDisabled, "sum")).isEqualTo(TriggerDrift.DISABLED);
	}

	@Test
	void changedConfigurationIsNamedAfterChangesOutsidePigeon() {
		assertThat(TriggerDrift.of(ENTRY, LIVE, "other")).isEqualTo(TriggerDrift.DEFINITION_CHANGED);
		assertThat(TriggerDrift.of(ENTRY, null, "other")).isEqualTo(TriggerDrift.DROPPED);
	}

	@Test
	void recordedTriggerNoLongerConfiguredIsLeftOver() {
		assertThat(TriggerDrift.leftOver(true)).isEqualTo(TriggerDrift.LEFT_OVER);
		assertThat(TriggerDrift.leftOver(false)).isEqualTo(TriggerDrift.LEFT_OVER_DROPPED);
	}

}
