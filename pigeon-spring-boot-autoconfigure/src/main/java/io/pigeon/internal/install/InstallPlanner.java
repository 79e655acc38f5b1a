package io.pigeon.internal.install;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.pigeon.internal.install.InstallHistory.Entry;
import io.pigeon.internal.install.InstallHistory.Key;
import io.pigeon.internal.install.InstallPlan.LeftOver;
import io.pigeon.internal.install.InstallPlan.PlannedTrigger;
import io.pigeon.internal.install.InstallPlan.SupportDrift;
import io.pigeon.internal.install.PostgresCatalog.LiveTrigger;
import io.pigeon.internal.install.TriggerConfiguration.Trigger;
import io.pigeon.internal.sql.TriggerDefinition;

/**
 * Compares the active configured triggers with the history and the live catalog, giving each
 * trigger, configured or only recorded by the installer's owner, its {@link TriggerDrift}. It
 * only reads.
 */
final class InstallPlanner {

	private final InstallScripts scripts;

	InstallPlanner(InstallScripts scripts) {
		this.scripts = scripts;
	}

	/**
	 * Plan the installation of triggers.
	 * @param connection the connection to read the history and the catalog with
	 * @param triggers the active configured triggers
	 * @return the plan
	 * @throws SQLException on a database error
	 */
	InstallPlan plan(Connection connection, List<Trigger> triggers) throws SQLException {
		PostgresCatalog catalog = new PostgresCatalog(connection);
		InstallHistory history = this.scripts.history();
		InstallHistory.State state = history.read(connection);
		String owner = history.owner().name();
		List<PlannedTrigger> planned = new ArrayList<>();
		Set<Key> configured = new HashSet<>();
		for (Trigger trigger : triggers) {
			TriggerDefinition definition = trigger.definition();
			configured.add(Key.of(definition));
			TriggerScript script = this.scripts.trigger(catalog.withLaneKey(definition),
					catalog.kind(definition.schema(), definition.table()));
			Entry entry = state.triggers().get(Key.of(definition));
			LiveTrigger live = catalog.trigger(definition.schema(), definition.table(), definition.name());
			TriggerDrift drift = (entry != null && !entry.owner().equals(owner)) ? TriggerDrift.OTHER_OWNER
					: TriggerDrift.of(entry, live, script.checksum());
			planned.add(new PlannedTrigger(trigger, script, drift, entry, live));
		}
		List<LeftOver> leftOvers = new ArrayList<>();
		for (Entry entry : state.triggers().values()) {
			// Another owner's triggers are not left over: they are that owner's configuration.
			if (entry.owner().equals(owner) && !configured.contains(entry.key())) {
				boolean live = catalog.trigger(entry.schema(), entry.table(), entry.trigger()) != null;
				leftOvers.add(new LeftOver(entry, TriggerDrift.leftOver(live)));
			}
		}
		SupportDrift support = SupportDrift.of(!triggers.isEmpty(), catalog.supportObjectsExist(history.schema()),
				this.scripts.support().checksum().equals(state.supportChecksum()));
		boolean durable = triggers.stream().anyMatch((trigger) -> trigger.definition().durable());
		SupportDrift durableLog = SupportDrift.of(durable, durable && catalog.durableLogExists(history.schema()),
				this.scripts.durableLog().checksum().equals(state.durableLogChecksum()));
		return new InstallPlan(support, history.schema(), planned, leftOvers, state, durableLog);
	}

}
