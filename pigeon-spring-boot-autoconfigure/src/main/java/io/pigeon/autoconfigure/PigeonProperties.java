package io.pigeon.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.pigeon.internal.install.InstallMode;
import io.pigeon.PigeonAction;
import io.pigeon.TriggerDelivery;
import io.pigeon.TriggerLevel;
import io.pigeon.TriggerTiming;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for Pigeon: which tables to watch, how to install their triggers and
 * how to listen for their notifications.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("pigeon")
public class PigeonProperties {

	/**
	 * Whether to enable Pigeon.
	 */
	private boolean enabled = true;

	/**
	 * Schemas whose tables Pigeon watches.
	 */
	private List<Schema> schemas = new ArrayList<>();

	private final Install install = new Install();

	private final Listener listener = new Listener();

	private final Durable durable = new Durable();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public List<Schema> getSchemas() {
		return this.schemas;
	}

	public void setSchemas(List<Schema> schemas) {
		this.schemas = schemas;
	}

	public Install getInstall() {
		return this.install;
	}

	public Durable getDurable() {
		return this.durable;
	}

	public Listener getListener() {
		return this.listener;
	}

	/**
	 * How Pigeon installs its triggers.
	 */
	public static class Install {

		/**
		 * What the installer does at start-up: 'auto' installs, updates and removes triggers,
		 * 'validate' changes nothing and fails start-up if the database differs from the
		 * configuration, 'none' does nothing.
		 */
		private InstallMode mode = InstallMode.AUTO;

		/**
		 * Schema where Pigeon keeps its own tables. Defaults to the connection's current
		 * schema.
		 */
		private @Nullable String schema;

		/**
		 * Name of the table recording what Pigeon installed.
		 */
		private String historyTable = "pigeon_schema_history";

		/**
		 * Maximum time to wait for another instance's installation to finish.
		 */
		private Duration lockTimeout = Duration.ofSeconds(60);

		/**
		 * Location to write the SQL scripts of every active trigger to, for example
		 * 'file:pigeon/scripts'. Created if missing.
		 */
		private @Nullable String exportLocation;

		/**
		 * JDBC URL of the database to install triggers into, with 'pigeon.install.username'
		 * and 'pigeon.install.password' as its credentials. If not set, Pigeon's datasource is
		 * used.
		 */
		private @Nullable String url;

		/**
		 * Login user for installing triggers, when it differs from the application's
		 * datasource.
		 */
		private @Nullable String username;

		/**
		 * Login password for installing triggers, when it differs from the application's
		 * datasource.
		 */
		private @Nullable String password;

		/**
		 * Owner of the triggers this application installs: applications sharing a database
		 * and a history table each manage only their own owner's triggers. Defaults to
		 * 'spring.application.name', or 'default' when that is unset.
		 */
		private @Nullable String owner;

		/**
		 * Version of this application's trigger configuration, compared as a version string
		 * ('1.10' is newer than '1.9'): an instance older than the newest version installed
		 * for its owner changes nothing. Defaults to 'spring.application.version' (the jar
		 * manifest's Implementation-Version); without either, the last start wins.
		 */
		private @Nullable String version;

		/**
		 * Whether an instance whose version is older than the newest installed for its owner
		 * may replace and remove that version's triggers (a rollback).
		 */
		private boolean allowDowngrade = false;

		public InstallMode getMode() {
			return this.mode;
		}

		public void setMode(InstallMode mode) {
			this.mode = mode;
		}

		public @Nullable String getSchema() {
			return this.schema;
		}

		public void setSchema(@Nullable String schema) {
			this.schema = schema;
		}

		public String getHistoryTable() {
			return this.historyTable;
		}

		public void setHistoryTable(String historyTable) {
			this.historyTable = historyTable;
		}

		public Duration getLockTimeout() {
			return this.lockTimeout;
		}

		public void setLockTimeout(Duration lockTimeout) {
			this.lockTimeout = lockTimeout;
		}

		public @Nullable String getExportLocation() {
			return this.exportLocation;
		}

		public void setExportLocation(@Nullable String exportLocation) {
			this.exportLocation = exportLocation;
		}

		public @Nullable String getUrl() {
			return this.url;
		}

		public void setUrl(@Nullable String url) {
			this.url = url;
		}

		public @Nullable String getUsername() {
			return this.username;
		}

		public void setUsername(@Nullable String username) {
			this.username = username;
		}

		public @Nullable String getPassword() {
			return this.password;
		}

		public void setPassword(@Nullable String password) {
			this.password = password;
		}

		public @Nullable String getOwner() {
			return this.owner;
		}

		public void setOwner(@Nullable String owner) {
			this.owner = owner;
		}

		public @Nullable String getVersion() {
			return this.version;
		}

		public void setVersion(@Nullable String version) {
			this.version = version;
		}

		public boolean isAllowDowngrade() {
			return this.allowDowngrade;
		}

		public void setAllowDowngrade(boolean allowDowngrade) {
			this.allowDowngrade = allowDowngrade;
		}

		/**
		 * Periodic check that the installed triggers still fire.
		 */
		private final TriggerCheck triggerCheck = new TriggerCheck();

		public TriggerCheck getTriggerCheck() {
			return this.triggerCheck;
		}

		/**
		 * The periodic check of the installed triggers' state, reported in the health detail
		 * {@code triggers} of the {@code pigeon} health indicator and logged once per change:
		 * it notices a trigger (or its clone on a partition) disabled after start-up, and new
		 * sessions starting with {@code session_replication_role = replica} because of
		 * {@code ALTER DATABASE ... SET} or the server's configuration. It only reads the
		 * catalog; mode {@code auto} repairs at the next start.
		 */
		public static class TriggerCheck {

			/**
			 * Whether to check the installed triggers' state periodically.
			 */
			private boolean enabled = true;

			/**
			 * Time between two checks of the installed triggers' state, the first one after
			 * start-up included.
			 */
			private Duration interval = Duration.ofMinutes(1);

			public boolean isEnabled() {
				return this.enabled;
			}

			public void setEnabled(boolean enabled) {
				this.enabled = enabled;
			}

			public Duration getInterval() {
				return this.interval;
			}

			public void setInterval(Duration interval) {
				this.interval = interval;
			}

		}

	}

	/**
	 * A schema whose tables Pigeon watches.
	 */
	public static class Schema {

		/**
		 * Name of the schema. Required; names are case-sensitive.
		 */
		private @Nullable String name;

		/**
		 * Tables and views to watch in this schema.
		 */
		private List<Table> tables = new ArrayList<>();

		public @Nullable String getName() {
			return this.name;
		}

		public void setName(@Nullable String name) {
			this.name = name;
		}

		public List<Table> getTables() {
			return this.tables;
		}

		public void setTables(List<Table> tables) {
			this.tables = tables;
		}

	}

	/**
	 * A table or view that Pigeon watches.
	 */
	public static class Table {

		/**
		 * Name of the table, partitioned table or view. Required; names are case-sensitive. A
		 * table without triggers gets one trigger with every default.
		 */
		private @Nullable String name;

		/**
		 * Triggers on this table. A table with none gets one trigger with every default.
		 */
		private List<Trigger> triggers = new ArrayList<>();

		public @Nullable String getName() {
			return this.name;
		}

		public void setName(@Nullable String name) {
			this.name = name;
		}

		public List<Trigger> getTriggers() {
			return this.triggers;
		}

		public void setTriggers(List<Trigger> triggers) {
			this.triggers = triggers;
		}

	}

	/**
	 * A trigger that notifies a channel of a table's changes.
	 */
	public static class Trigger {

		/**
		 * Name of the trigger. Defaults to 'pigeon_<table>_notify'.
		 */
		private @Nullable String name;

		/**
		 * Name of the trigger function, created in the table's schema. Defaults to '<trigger
		 * name>_fn'.
		 */
		private @Nullable String function;

		/**
		 * Channel to notify, used exactly as given. Defaults to the table's name.
		 */
		private @Nullable String channel;

		/**
		 * Columns to include in the payload. Defaults to every column.
		 */
		private List<String> columns = new ArrayList<>();

		/**
		 * Whether to also send the old values on UPDATE.
		 */
		private boolean includeOld = false;

		/**
		 * Whether the trigger fires once per row or once per statement.
		 */
		private TriggerLevel level = TriggerLevel.ROW;

		/**
		 * Statements the trigger fires on: any of 'insert', 'update', 'delete' and 'truncate'
		 * (statement level only).
		 */
		private List<PigeonAction> events = new ArrayList<>(
				List.of(PigeonAction.INSERT, PigeonAction.UPDATE, PigeonAction.DELETE));

		/**
		 * Columns whose update fires the trigger (UPDATE OF). Empty fires on every update.
		 */
		private List<String> updateOf = new ArrayList<>();

		/**
		 * When the trigger fires: 'before', 'after' or 'instead-of' (views only, row level only).
		 */
		private TriggerTiming timing = TriggerTiming.AFTER;

		/**
		 * Whether the trigger is installed. 'false' keeps the definition but removes the
		 * trigger.
		 */
		private boolean active = true;

		/**
		 * How changes reach listeners: 'notify' sends them with NOTIFY (at most once, nothing
		 * is kept), 'durable' writes them to Pigeon's change log, from which subscriptions
		 * read them (at least once, kept until processed). Every trigger of a channel must
		 * use the same delivery.
		 */
		private TriggerDelivery delivery = TriggerDelivery.NOTIFY;

		/**
		 * SQL boolean expression over OLD and NEW that a row must satisfy for the trigger to
		 * fire (PostgreSQL's WHEN clause), for example "NEW.status <> 'draft'". Used as raw SQL,
		 * trusted like a migration script; row-level after and before triggers only.
		 */
		private @Nullable String condition;

		/**
		 * Whether an UPDATE fires only when the value of one of the payload's columns, or of the
		 * 'update-of' columns when set, really changes. Needs 'events' to be [update].
		 */
		private boolean changedOnly = false;

		/**
		 * Columns whose change alone never fires the trigger and that never count as changed.
		 * Needs 'events' to be [update].
		 */
		private List<String> ignoreColumns = new ArrayList<>();

		/**
		 * Whether to send the names of the columns an UPDATE changed, in table order
		 * ('changed').
		 */
		private boolean includeChanged = false;

		/**
		 * Custom settings to send in the payload's 'context', by payload key, for example
		 * 'user: app.user_id'. Each is read when the trigger runs; an unset or empty setting is
		 * sent as null.
		 */
		private Map<String, String> context = new LinkedHashMap<>();

		/**
		 * Whether a statement-level trigger sends the configured columns of every row its
		 * statement touched ('rows'), in as many notifications as they need.
		 */
		private boolean includeRows = false;

		/**
		 * Columns whose values are the key of a durable trigger's changes: the changes of one
		 * key stay in order when a subscription delivers in parallel ('concurrency'). Default:
		 * the table's primary key.
		 */
		private List<String> key = new ArrayList<>();

		public List<String> getKey() {
			return this.key;
		}

		public void setKey(List<String> key) {
			this.key = key;
		}

		public @Nullable String getCondition() {
			return this.condition;
		}

		public void setCondition(@Nullable String condition) {
			this.condition = condition;
		}

		public boolean isChangedOnly() {
			return this.changedOnly;
		}

		public void setChangedOnly(boolean changedOnly) {
			this.changedOnly = changedOnly;
		}

		public List<String> getIgnoreColumns() {
			return this.ignoreColumns;
		}

		public void setIgnoreColumns(List<String> ignoreColumns) {
			this.ignoreColumns = ignoreColumns;
		}

		public boolean isIncludeChanged() {
			return this.includeChanged;
		}

		public void setIncludeChanged(boolean includeChanged) {
			this.includeChanged = includeChanged;
		}

		public Map<String, String> getContext() {
			return this.context;
		}

		public void setContext(Map<String, String> context) {
			this.context = context;
		}

		public boolean isIncludeRows() {
			return this.includeRows;
		}

		public void setIncludeRows(boolean includeRows) {
			this.includeRows = includeRows;
		}

		public TriggerDelivery getDelivery() {
			return this.delivery;
		}

		public void setDelivery(TriggerDelivery delivery) {
			this.delivery = delivery;
		}

		public @Nullable String getName() {
			return this.name;
		}

		public void setName(@Nullable String name) {
			this.name = name;
		}

		public @Nullable String getFunction() {
			return this.function;
		}

		public void setFunction(@Nullable String function) {
			this.function = function;
		}

		public @Nullable String getChannel() {
			return this.channel;
		}

		public void setChannel(@Nullable String channel) {
			this.channel = channel;
		}

		public List<String> getColumns() {
			return this.columns;
		}

		public void setColumns(List<String> columns) {
			this.columns = columns;
		}

		public boolean isIncludeOld() {
			return this.includeOld;
		}

		public void setIncludeOld(boolean includeOld) {
			this.includeOld = includeOld;
		}

		public TriggerLevel getLevel() {
			return this.level;
		}

		public void setLevel(TriggerLevel level) {
			this.level = level;
		}

		public List<PigeonAction> getEvents() {
			return this.events;
		}

		public void setEvents(List<PigeonAction> events) {
			this.events = events;
		}

		public List<String> getUpdateOf() {
			return this.updateOf;
		}

		public void setUpdateOf(List<String> updateOf) {
			this.updateOf = updateOf;
		}

		public TriggerTiming getTiming() {
			return this.timing;
		}

		public void setTiming(TriggerTiming timing) {
			this.timing = timing;
		}

		public boolean isActive() {
			return this.active;
		}

		public void setActive(boolean active) {
			this.active = active;
		}

	}

	/**
	 * Durable delivery: Pigeon's change log and the subscriptions that read it.
	 */
	public static class Durable {

		/**
		 * How long processed events are kept in the log, for replay. Events are removed
		 * only once they are older than this and every live subscription of their channel
		 * has processed them.
		 */
		private Duration retention = Duration.ofDays(7);

		/**
		 * Maximum number of events read from the log at once, and the size of the batches
		 * handed to batch listeners.
		 */
		private int batchSize = 500;

		/**
		 * Number of lanes of a durable subscription whose listener does not set
		 * 'concurrency': each lane delivers the changes of its share of the keys, in order,
		 * in parallel with the others.
		 */
		private int concurrency = 1;

		/**
		 * How often a subscription reads the log even when no wake-up arrived.
		 */
		private Duration pollInterval = Duration.ofSeconds(1);

		/**
		 * How subscriptions learn of new events: 'notify' (durable triggers also send a
		 * NOTIFY, one per transaction and channel) or 'poll' (no NOTIFY, so writers never
		 * take PostgreSQL's commit-time notify lock; events wait up to 'poll-interval').
		 */
		private WakeUp wakeUp = WakeUp.NOTIFY;

		/**
		 * How long an instance holds a subscription without renewing its lease before
		 * another instance may take it over.
		 */
		private Duration leaseTimeout = Duration.ofSeconds(30);

		/**
		 * How long a subscription may go without being held by any instance before it is
		 * stale: reported, and no longer holding events back from removal.
		 */
		private Duration subscriptionExpiry = Duration.ofDays(30);

		/**
		 * Where a new subscription starts: 'latest' (changes committed from its first
		 * registration on) or 'earliest' (the oldest event still in the log).
		 */
		private StartPosition startFrom = StartPosition.LATEST;

		/**
		 * How often the log's tables are rotated and emptied, and stale subscriptions
		 * looked for.
		 */
		private Duration maintenanceInterval = Duration.ofMinutes(1);

		/**
		 * Channels delivered durably although no trigger under 'pigeon.schemas' says so: for
		 * an application that only listens, whose durable triggers another application
		 * installs.
		 */
		private List<String> channels = new ArrayList<>();

		private final Retry retry = new Retry();

		public List<String> getChannels() {
			return this.channels;
		}

		public void setChannels(List<String> channels) {
			this.channels = channels;
		}

		public Duration getRetention() {
			return this.retention;
		}

		public void setRetention(Duration retention) {
			this.retention = retention;
		}

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			this.batchSize = batchSize;
		}

		public int getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(int concurrency) {
			this.concurrency = concurrency;
		}

		public Duration getPollInterval() {
			return this.pollInterval;
		}

		public void setPollInterval(Duration pollInterval) {
			this.pollInterval = pollInterval;
		}

		public WakeUp getWakeUp() {
			return this.wakeUp;
		}

		public void setWakeUp(WakeUp wakeUp) {
			this.wakeUp = wakeUp;
		}

		public Duration getLeaseTimeout() {
			return this.leaseTimeout;
		}

		public void setLeaseTimeout(Duration leaseTimeout) {
			this.leaseTimeout = leaseTimeout;
		}

		public Duration getSubscriptionExpiry() {
			return this.subscriptionExpiry;
		}

		public void setSubscriptionExpiry(Duration subscriptionExpiry) {
			this.subscriptionExpiry = subscriptionExpiry;
		}

		public StartPosition getStartFrom() {
			return this.startFrom;
		}

		public void setStartFrom(StartPosition startFrom) {
			this.startFrom = startFrom;
		}

		public Duration getMaintenanceInterval() {
			return this.maintenanceInterval;
		}

		public void setMaintenanceInterval(Duration maintenanceInterval) {
			this.maintenanceInterval = maintenanceInterval;
		}

		public Retry getRetry() {
			return this.retry;
		}

		/**
		 * How a durable subscription wakes up for new events.
		 */
		public enum WakeUp {

			/**
			 * Durable triggers send a NOTIFY with a constant payload.
			 */
			NOTIFY,

			/**
			 * Subscriptions poll the log every 'poll-interval'.
			 */
			POLL

		}

		/**
		 * Where a new subscription starts reading the log.
		 */
		public enum StartPosition {

			/**
			 * At the end of the log: changes committed after the subscription is first
			 * registered.
			 */
			LATEST,

			/**
			 * At the oldest event still in the log.
			 */
			EARLIEST

		}

		/**
		 * Retries of a listener method that throws, while its subscription waits.
		 */
		public static class Retry {

			/**
			 * Maximum number of calls for one event, the first included; then the event goes
			 * to the dead letters.
			 */
			private int maxAttempts = 10;

			/**
			 * Time to wait before the second call.
			 */
			private Duration initialBackoff = Duration.ofSeconds(1);

			/**
			 * Factor by which the wait grows after every further failure.
			 */
			private double multiplier = 2.0;

			/**
			 * Maximum time to wait between two calls.
			 */
			private Duration maxBackoff = Duration.ofMinutes(5);

			public int getMaxAttempts() {
				return this.maxAttempts;
			}

			public void setMaxAttempts(int maxAttempts) {
				this.maxAttempts = maxAttempts;
			}

			public Duration getInitialBackoff() {
				return this.initialBackoff;
			}

			public void setInitialBackoff(Duration initialBackoff) {
				this.initialBackoff = initialBackoff;
			}

			public double getMultiplier() {
				return this.multiplier;
			}

			public void setMultiplier(double multiplier) {
				this.multiplier = multiplier;
			}

			public Duration getMaxBackoff() {
				return this.maxBackoff;
			}

			public void setMaxBackoff(Duration maxBackoff) {
				this.maxBackoff = maxBackoff;
			}

		}

	}

	/**
	 * The dedicated connection that listens for notifications.
	 */
	public static class Listener {

		/**
		 * Whether to listen for notifications. The installer still runs when disabled.
		 */
		private boolean enabled = true;

		/**
		 * JDBC URL of the database to listen on, for example to bypass a PgBouncer in
		 * transaction mode. Defaults to the application's datasource.
		 */
		private @Nullable String url;

		/**
		 * Login user for the listener connection. Defaults to the application's datasource.
		 */
		private @Nullable String username;

		/**
		 * Login password for the listener connection. Defaults to the application's
		 * datasource.
		 */
		private @Nullable String password;

		/**
		 * Maximum number of notifications buffered for each channel; further notifications
		 * for a channel whose buffer is full are dropped and announced.
		 */
		private int queueCapacity = 10000;

		/**
		 * How long overflow payloads are kept before they are deleted.
		 */
		private Duration overflowRetention = Duration.ofHours(1);

		/**
		 * How long the connection may stay quiet before it is actively checked.
		 */
		private Duration validationInterval = Duration.ofSeconds(5);

		/**
		 * Maximum time to wait for each answer from the database on the listener connection
		 * (connecting, the connection check, LISTEN) before the connection is considered
		 * lost.
		 */
		private Duration validationTimeout = Duration.ofSeconds(5);

		/**
		 * Maximum time to wait for in-flight listener calls on shutdown.
		 */
		private Duration shutdownTimeout = Duration.ofSeconds(10);

		/**
		 * Whether to fail start-up when the listener connection cannot be established.
		 * When 'false', the application starts without it and keeps retrying in the
		 * background; a PigeonListenerReconnectedEvent announces when listening begins.
		 */
		private boolean failFast = true;

		/**
		 * Whether to observe each listener call with Micrometer Observation (a span per
		 * delivery with Spring Boot's tracing), when the application has an
		 * ObservationRegistry.
		 */
		private boolean observationEnabled = true;

		/**
		 * Minimum time between two reads of the cluster's notification queue usage for the
		 * 'pigeon.notification.queue.usage' gauge. It is read only when the gauge is
		 * scraped, never on the listener connection.
		 */
		private Duration queueUsageSampleInterval = Duration.ofSeconds(10);

		private final Reconnect reconnect = new Reconnect();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable String getUrl() {
			return this.url;
		}

		public void setUrl(@Nullable String url) {
			this.url = url;
		}

		public @Nullable String getUsername() {
			return this.username;
		}

		public void setUsername(@Nullable String username) {
			this.username = username;
		}

		public @Nullable String getPassword() {
			return this.password;
		}

		public void setPassword(@Nullable String password) {
			this.password = password;
		}

		public int getQueueCapacity() {
			return this.queueCapacity;
		}

		public void setQueueCapacity(int queueCapacity) {
			this.queueCapacity = queueCapacity;
		}

		public Duration getOverflowRetention() {
			return this.overflowRetention;
		}

		public void setOverflowRetention(Duration overflowRetention) {
			this.overflowRetention = overflowRetention;
		}

		public Duration getValidationInterval() {
			return this.validationInterval;
		}

		public void setValidationInterval(Duration validationInterval) {
			this.validationInterval = validationInterval;
		}

		public Duration getValidationTimeout() {
			return this.validationTimeout;
		}

		public void setValidationTimeout(Duration validationTimeout) {
			this.validationTimeout = validationTimeout;
		}

		public boolean isFailFast() {
			return this.failFast;
		}

		public void setFailFast(boolean failFast) {
			this.failFast = failFast;
		}

		public boolean isObservationEnabled() {
			return this.observationEnabled;
		}

		public void setObservationEnabled(boolean observationEnabled) {
			this.observationEnabled = observationEnabled;
		}

		public Duration getQueueUsageSampleInterval() {
			return this.queueUsageSampleInterval;
		}

		public void setQueueUsageSampleInterval(Duration queueUsageSampleInterval) {
			this.queueUsageSampleInterval = queueUsageSampleInterval;
		}

		public Duration getShutdownTimeout() {
			return this.shutdownTimeout;
		}

		public void setShutdownTimeout(Duration shutdownTimeout) {
			this.shutdownTimeout = shutdownTimeout;
		}

		public Reconnect getReconnect() {
			return this.reconnect;
		}

	}

	/**
	 * Back-off between attempts to re-establish a lost listener connection.
	 */
	public static class Reconnect {

		/**
		 * Delay before the first reconnection attempt; doubled, with jitter, after each
		 * failure.
		 */
		private Duration initialBackoff = Duration.ofMillis(100);

		/**
		 * Maximum delay between reconnection attempts.
		 */
		private Duration maxBackoff = Duration.ofSeconds(30);

		public Duration getInitialBackoff() {
			return this.initialBackoff;
		}

		public void setInitialBackoff(Duration initialBackoff) {
			this.initialBackoff = initialBackoff;
		}

		public Duration getMaxBackoff() {
			return this.maxBackoff;
		}

		public void setMaxBackoff(Duration maxBackoff) {
			this.maxBackoff = maxBackoff;
		}

	}

}
