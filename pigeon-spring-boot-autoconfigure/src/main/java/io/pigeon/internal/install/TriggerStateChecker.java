package io.pigeon.internal.install;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.pigeon.internal.install.PostgresCatalog.TriggerInstance;
import io.pigeon.internal.install.PostgresCatalog.TriggerName;
import io.pigeon.internal.install.TriggerConfiguration.Trigger;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * Checks, every interval, that the active configured triggers still fire: an operator may
 * disable one, or its clone on a partition, or have new sessions start as replicas, long after
 * the installer checked at start-up. One catalog query per check, on a thread of its own
 * ({@code pigeon-trigger-check}), never the listener's; the first check runs one interval after
 * start-up, once the installer is done. Each change is logged once: a warning when a trigger
 * stops firing, information when it fires again. It only reads and never repairs: that is
 * mode {@code auto}'s job at the next start.
 *
 * @since 0.1.0
 */
public class TriggerStateChecker implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(TriggerStateChecker.class);

	private final DataSource dataSource;

	private final List<TriggerName> triggers;

	private final Duration interval;

	private final Clock clock;

	private final Object lifecycleMonitor = new Object();

	private @Nullable ScheduledExecutorService executor;

	private volatile @Nullable TriggerStates states;

	// Touched only by the checking thread.
	private Map<String, String> silenced = Map.of();

	private List<String> missing = List.of();

	private boolean failing;

	/**
	 * Create a new checker.
	 * @param dataSource where the triggers are installed
	 * @param configuration the configured triggers; the active ones are checked
	 * @param interval the time between two checks, positive
	 */
	public TriggerStateChecker(DataSource dataSource, TriggerConfiguration configuration, Duration interval) {
		this(dataSource, configuration, interval, Clock.systemUTC());
	}

	TriggerStateChecker(DataSource dataSource, TriggerConfiguration configuration, Duration interval, Clock clock) {
		if (interval.isNegative() || interval.isZero()) {
			throw new IllegalArgumentException("The interval must be positive, not " + interval);
		}
		this.dataSource = dataSource;
		this.triggers = configuration.triggers()
			.stream()
			.filter(Trigger::active)
			.map(Trigger::definition)
			.map((definition) -> new TriggerName(definition.schema(), definition.table(), definition.name()))
			.toList();
		this.interval = interval;
		this.clock = clock;
	}

	/**
	 * Return what the last check found.
	 * @return the states, or {@code null} before the first check succeeded
	 */
	public @Nullable TriggerStates getStates() {
		return this.states;
	}

	@Override
	public void start() {
		synchronized (this.lifecycleMonitor) {
			if (this.executor != null || this.triggers.isEmpty()) {
				return;
			}
			ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
				Thread thread = new Thread(task, "pigeon-trigger-check");
				thread.setDaemon(true);
				return thread;
			});
			long millis = this.interval.toMillis();
			executor.scheduleWithFixedDelay(this::checkSafely, millis, millis, TimeUnit.MILLISECONDS);
			this.executor = executor;
		}
	}

	@Override
	public void stop() {
		synchronized (this.lifecycleMonitor) {
			if (this.executor != null) {
				this.executor.shutdownNow();
				this.executor = null;
			}
		}
	}

	@Override
	public boolean isRunning() {
		synchronized (this.lifecycleMonitor) {
			return this.executor != null;
		}
	}

	private void checkSafely() {
		try {
			check();
			if (this.failing) {
				this.failing = false;
				logger.info("Pigeon: checking the triggers' state works again");
			}
		}
		catch (SQLException | RuntimeException ex) {
			// A scheduled task that throws is never run again: the next check may succeed.
			if (!this.failing) {
				this.failing = true;
				logger.warn("Pigeon: checking the triggers' state failed; trying again every " + this.interval, ex);
			}
		}
	}

	/**
	 * Check the triggers once and log what changed since the last check.
	 * @return what the check found
	 * @throws SQLException on a database error
	 */
	TriggerStates check() throws SQLException {
		List<TriggerInstance> instances;
		String role;
		try (Connection connection = this.dataSource.getConnection()) {
			PostgresCatalog catalog = new PostgresCatalog(connection);
			instances = catalog.instances(this.triggers);
			role = catalog.defaultReplicationRole();
		}
		boolean[] found = new boolean[this.triggers.size()];
		Map<String, String> silenced = new LinkedHashMap<>();
		for (TriggerInstance instance : instances) {
			found[instance.position()] |= !instance.onPartition();
			FiringMode mode = FiringMode.of(instance.enabled());
			if (mode.silencedFor(role)) {
				silenced.put(instance.describe(), (mode == FiringMode.DISABLED) ? "is disabled"
						: "does not fire: new sessions start with session_replication_role = " + role);
			}
		}
		List<String> missing = new ArrayList<>();
		for (int i = 0; i < found.length; i++) {
			if (!found[i]) {
				TriggerName name = this.triggers.get(i);
				missing.add(name.schema() + "." + name.table() + "." + name.name());
			}
		}
		logChanges(silenced, missing);
		TriggerStates states = new TriggerStates(found.length - missing.size(), List.copyOf(silenced.keySet()),
				missing, role, this.clock.instant());
		this.states = states;
		return states;
	}

	private void logChanges(Map<String, String> silenced, List<String> missing) {
		silenced.forEach((trigger, reason) -> {
			if (!Objects.equals(this.silenced.get(trigger), reason)) {
				logger.warn("Pigeon: trigger " + trigger + " " + reason + ", so its changes are not notified");
			}
		});
		this.silenced.keySet()
			.stream()
			.filter((trigger) -> !silenced.containsKey(trigger))
			.forEach((trigger) -> logger.info("Pigeon: trigger " + trigger + " fires again"));
		missing.stream()
			.filter((trigger) -> !this.missing.contains(trigger))
			.forEach((trigger) -> logger.warn("Pigeon: trigger " + trigger + " is missing, so its changes are not "
					+ "notified; mode auto installs it again at the next start"));
		this.missing.stream()
			.filter((trigger) -> !missing.contains(trigger))
			.forEach((trigger) -> logger.info("Pigeon: trigger " + trigger + " exists again"));
		this.silenced = silenced;
		this.missing = missing;
	}

}
