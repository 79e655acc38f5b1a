package io.pigeon.internal.listener.durable;

import io.pigeon.internal.durable.DurableLogSql;
import io.pigeon.internal.durable.LogReader;
import io.pigeon.internal.listener.ListenerFailureHandler;
import io.pigeon.internal.listener.NotificationParser;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What every worker of one durable container shares.
 *
 * @param source the container, the source of the application events it publishes
 * @param holder this instance's name in the leases
 * @param jdbc Pigeon's DataSource, in auto-commit unless in a listener's transaction
 * @param sql the log's SQL
 * @param reader reads pages of the log
 * @param settings the container's settings
 * @param parser reads payloads
 * @param failureHandler hands failures to the error handlers
 * @param metrics receives measurements
 * @param eventPublisher publishes Pigeon's application events
 * @param transactions runs a listener call with its acknowledgement, or {@code null} when the
 * application has no transaction manager for Pigeon's DataSource
 */
record DurableContext(Object source, String holder, JdbcTemplate jdbc, DurableLogSql sql, LogReader reader,
		DurableSettings settings, NotificationParser parser, ListenerFailureHandler failureHandler,
		DurableMetrics metrics, ApplicationEventPublisher eventPublisher, @Nullable TransactionTemplate transactions) {

}
