package io.pigeon.internal.durable;

import java.time.Instant;

/**
 * One event read from the log.
 *
 * @param id the event's id, unique and stable
 * @param txid the writing transaction's id
 * @param createdAt when the trigger wrote it
 * @param payload the change payload, by the payload contract
 */
public record LogEvent(long id, String txid, Instant createdAt, String payload) {

}
