package io.pigeon.internal.sql;

/**
 * Hands on the payload a trigger function has built: the second half of every trigger
 * function {@link TriggerSqlGenerator} writes, after the shared {@link PayloadBuilder}. The
 * notify mode notifies ({@link NotifySink}); the durable mode appends the same payload, with
 * its event id, to Pigeon's change log ({@link DurableSink}).
 *
 * @since 0.1.0
 */
public interface PayloadSink {

	/**
	 * Return the PL/pgSQL statements that hand on a row-level payload, each line indented with
	 * one tab and ending in a line break. The variable {@code payload} holds the payload and
	 * {@code head} its keys before the row data, without the closing brace.
	 * @param definition the trigger
	 * @return the statements
	 */
	String handOnRow(TriggerDefinition definition);

	/**
	 * Return the PL/pgSQL statements that hand on a statement-level payload, indented and ended
	 * as {@link #handOnRow(TriggerDefinition)}'s. Such a payload carries no row data, so it is
	 * short.
	 * @param definition the trigger
	 * @param payload an expression of type {@code text} whose value is the payload
	 * @return the statements
	 */
	String handOnStatement(TriggerDefinition definition, String payload);

}
