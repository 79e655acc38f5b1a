package io.pigeon.durable.faults;

import javax.sql.DataSource;

import io.pigeon.PigeonListener;
import io.pigeon.internal.sql.SqlIdentifiers;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * The application the fault tests run in child JVMs ({@link io.pigeon.test.ChildJvm}) and kill:
 * one durable listener, {@code faults} on channel {@code fault_items}, that records every event
 * it receives as one row of {@code fault_effects} in the schema {@code fault.schema}: the event's
 * id (the payload's {@code "id"}, the primary key), the changed row's {@code item_no}, the
 * instance that received it ({@code fault.instance}), and, through a {@code bigserial} and
 * {@code clock_timestamp()}, the order and time of receipt.
 * <p>
 * With {@code fault.transactional=true} (the default) the application has a
 * {@link DataSourceTransactionManager}, so the listener's insert runs in one transaction with the
 * acknowledgement of its event, and the insert has no {@code ON CONFLICT}: a second delivery of
 * an event fails on the primary key, and is logged as {@code DUPLICATE delivery}. With
 * {@code fault.transactional=false} there is no transaction manager (at-least-once delivery), and
 * the insert ignores a redelivered event ({@code ON CONFLICT DO NOTHING}), logging
 * {@code Redelivered}.
 */
@SpringBootApplication(exclude = DataSourceTransactionManagerAutoConfiguration.class)
public class DurableFaultApplication {

	/** The channel, the table's name: the durable trigger's default channel. */
	public static final String CHANNEL = "fault_items";

	/** The listener's id, which names its durable subscription. */
	public static final String LISTENER_ID = "faults";

	/** Logged when an event arrives a second time although its effect was committed. */
	public static final String DUPLICATE = "DUPLICATE delivery of event";

	/** Logged once the application is ready: after its runners, Pigeon's installer among them. */
	public static final String READY = "DurableFaultApplication ready";

	public static void main(String[] args) {
		SpringApplication.run(DurableFaultApplication.class, args);
	}

	@Bean
	@ConditionalOnBooleanProperty(name = "fault.transactional", matchIfMissing = true)
	DataSourceTransactionManager transactionManager(DataSource dataSource) {
		return new DataSourceTransactionManager(dataSource);
	}

	@EventListener(ApplicationReadyEvent.class)
	void ready() {
		LogFactory.getLog(DurableFaultApplication.class).info(READY);
	}

	@Bean
	FaultEffects faultEffects(JdbcTemplate jdbc, JsonMapper jsonMapper, @Value("${fault.schema}") String schema,
			@Value("${fault.instance}") String instance,
			@Value("${fault.transactional:true}") boolean transactional) {
		return new FaultEffects(jdbc, jsonMapper, schema, instance, transactional);
	}

	/**
	 * The listener: one row of {@code fault_effects} per event.
	 */
	static class FaultEffects {

		private static final Log logger = LogFactory.getLog(FaultEffects.class);

		private final JdbcTemplate jdbc;

		private final JsonMapper jsonMapper;

		private final String instance;

		private final boolean transactional;

		private final String insert;

		FaultEffects(JdbcTemplate jdbc, JsonMapper jsonMapper, String schema, String instance,
				boolean transactional) {
			this.jdbc = jdbc;
			this.jsonMapper = jsonMapper;
			this.instance = instance;
			this.transactional = transactional;
			this.insert = "INSERT INTO " + SqlIdentifiers.qualified(schema, "fault_effects")
					+ " (event_id, item_no, instance) VALUES (?, ?, ?)"
					+ (transactional ? "" : " ON CONFLICT (event_id) DO NOTHING");
		}

		@PigeonListener(channel = CHANNEL, id = LISTENER_ID)
		public void onChange(String payload) {
			JsonNode change = this.jsonMapper.readTree(payload);
			long eventId = change.get("id").asLong();
			long itemNo = change.get("data").get("item_no").asLong();
			try {
				int inserted = this.jdbc.update(this.insert, eventId, itemNo, this.instance);
				if (inserted == 0) {
					logger.info("Redelivered event " + eventId);
				}
			}
			catch (DuplicateKeyException ex) {
				logger.error(DUPLICATE + " " + eventId + (this.transactional ? " (transactional)" : ""));
				throw ex;
			}
		}

	}

}
