package io.pigeon.internal.install;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What one check of the installed triggers found, as {@link TriggerStateChecker} reports it in
 * health.
 *
 * @param installed how many active configured triggers exist in the catalog
 * @param disabled the triggers and partition clones that do not fire, as
 * {@code schema.table.trigger}: disabled, or left at the default firing mode while new sessions
 * start with {@code session_replication_role = replica}
 * @param missing the active configured triggers that are not in the catalog
 * @param replicationRole the {@code session_replication_role} new sessions start with
 * @param checkedAt when the check ran
 * @since 0.1.0
 */
public record TriggerStates(int installed, List<String> disabled, List<String> missing,
		@Nullable String replicationRole, Instant checkedAt) {

	/**
	 * Create a new instance.
	 * @param installed how many active configured triggers exist in the catalog
	 * @param disabled the trigger instances that do not fire
	 * @param missing the active configured triggers that are not in the catalog
	 * @param replicationRole the {@code session_replication_role} new sessions start with
	 * @param checkedAt when the check ran
	 */
	public TriggerStates {
		disabled = List.copyOf(disabled);
		missing = List.copyOf(missing);
	}

	/**
	 * Return the states as the health detail {@code triggers}: {@code installed} and
	 * {@code disabled} always, {@code missing} and {@code sessionReplicationRole} when they
	 * explain a trigger that does not fire.
	 * @return the detail
	 */
	public Map<String, Object> asDetail() {
		Map<String, Object> detail = new LinkedHashMap<>();
		detail.put("installed", this.installed);
		detail.put("disabled", this.disabled);
		if (!this.missing.isEmpty()) {
			detail.put("missing", this.missing);
		}
		if (FiringMode.ORIGIN.silencedFor(this.replicationRole)) {
			detail.put("sessionReplicationRole", this.replicationRole);
		}
		detail.put("checkedAt", this.checkedAt);
		return detail;
	}

}
