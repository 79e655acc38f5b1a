package io.pigeon.internal.install;

import java.util.ArrayList;
import java.util.List;

import io.pigeon.internal.install.InstallPlan.LeftOver;
import io.pigeon.internal.install.InstallPlan.PlannedTrigger;
import io.pigeon.internal.install.InstallPlan.SupportDrift;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether an instance may apply its plan when its owner's configuration has a version:
 * during a rolling deploy, an instance of the older version that restarts must not revert what
 * the newer one installed, and the next newer instance would flip it back at every restart.
 * An older version changes nothing unless downgrades are allowed (a rollback); an unknown
 * version always applies, so the last start wins as without versions.
 */
final class DowngradeCheck {

	// Logged under the installer, whose category users already configure for its messages.
	private static final Log logger = LogFactory.getLog(TriggerInstaller.class);

	private final InstallOwner owner;

	private final InstallSettings settings;

	DowngradeCheck(InstallOwner owner, InstallSettings settings) {
		this.owner = owner;
		this.settings = settings;
	}

	/**
	 * Return why a plan must not be applied.
	 * @param plan the plan of this instance's configuration
	 * @return the warning to log, naming what differs from the newer configuration, or
	 * {@code null} if the plan may be applied
	 */
	@Nullable String refusal(InstallPlan plan) {
		String newest = plan.recorded().newestVersion(this.owner.name());
		if (!this.owner.isOlderThan(newest)) {
			return null;
		}
		List<String> differences = differences(plan);
		if (differences.isEmpty()) {
			return null;
		}
		String allow = this.settings.name(InstallSetting.ALLOW_DOWNGRADE);
		if (this.owner.allowDowngrade()) {
			logger.info("Pigeon: rolling back the triggers of " + this.owner.describe() + " from version " + newest
					+ " (" + allow + "=true)");
			return null;
		}
		String differ = String.join("; ", differences);
		return "Pigeon: changed nothing, because the configuration of " + this.owner.describe()
				+ " is older than version " + newest + ", which installed its triggers. Left as version " + newest
				+ " installed them, although this configuration differs: " + differ + ". Set " + allow
				+ "=true to roll back to this configuration.";
	}

	/**
	 * Return what applying the plan would change, as a rollback would: the newer version's
	 * definitions replaced, its triggers that this configuration lacks removed.
	 */
	private static List<String> differences(InstallPlan plan) {
		List<String> differences = new ArrayList<>();
		if (plan.support().needsInstall()) {
			differences.add("Pigeon's own objects in schema \"" + plan.schema() + "\" would be "
					+ ((plan.support() == SupportDrift.MISSING) ? "created" : "replaced"));
		}
		for (PlannedTrigger planned : plan.installs()) {
			String trigger = planned.trigger().path() + " (" + planned.trigger().describe() + ")";
			differences.add(switch (planned.drift()) {
				case NOT_INSTALLED -> trigger + " would be installed";
				case DEFINITION_CHANGED -> trigger + " would be replaced by this configuration's definition";
				default -> trigger + " would be replaced: " + planned.difference();
			});
		}
		for (LeftOver leftOver : plan.leftOvers()) {
			differences.add(leftOver.entry().describe() + " would be removed: this configuration lacks it");
		}
		return differences;
	}

}
