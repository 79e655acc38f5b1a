package io.pigeon.internal.install;

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

	private static final LiveTrigger LIVE = new LiveTrigger(10, 'O', "tfp", 20, "shop", "watch_fn", "ffp");

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
		assertThat(TriggerDrift.of(ENTRY, new LiveTrigger(10, 'D', "tfp", 20, "shop", "watch_fn", "ffp"), "sum"))
			.isEqualTo(TriggerDrift.DISABLED);
		assertThat(TriggerDrift.of(ENTRY, new LiveTrigger(11, 'O', "tfp", 20, "shop", "watch_fn", "ffp"), "sum"))
			.isEqualTo(TriggerDrift.RECREATED);
		assertThat(TriggerDrift.of(ENTRY, new LiveTrigger(10, 'O', "other", 20, "shop", "watch_fn", "ffp"), "sum"))
			.isEqualTo(TriggerDrift.ALTERED);
		assertThat(TriggerDrift.of(ENTRY, new LiveTrigger(10, 'O', "tfp", 21, "shop", "watch_fn", "ffp"), "sum"))
			.isEqualTo(TriggerDrift.FUNCTION_RECREATED);
		assertThat(TriggerDrift.of(ENTRY, new LiveTrigger(10, 'O', "tfp", 20, "shop", "watch_fn", "other"), "sum"))
			.isEqualTo(TriggerDrift.FUNCTION_EDITED);
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
