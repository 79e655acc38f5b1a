package io.pigeon.internal.listener.durable;

/**
 * A configured durable trigger, as far as the lanes of its channel's subscriptions depend on
 * it: a subscription split into lanes needs every trigger of its channel to write a lane key,
 * from its configured {@code key} or its table's primary key.
 * <p>
 * Internal: not an API.
 *
 * @param channel the trigger's channel
 * @param schema its table's schema
 * @param table its table
 * @param path its property path, e.g. {@code pigeon.schemas[0].tables[1].triggers[0]}
 * @param keyConfigured whether it has a configured {@code key}
 */
public record KeyedTrigger(String channel, String schema, String table, String path, boolean keyConfigured) {

}
