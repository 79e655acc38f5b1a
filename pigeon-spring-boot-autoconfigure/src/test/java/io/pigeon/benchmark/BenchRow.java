package io.pigeon.benchmark;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A row of the benchmark table as the listener binds it.
 *
 * @param id the row's id
 * @param writer which writer thread inserted it
 * @param wseq the writer's own sequence number, to check per-writer order
 * @param createdUs when the row was inserted, in microseconds since the epoch (a column default)
 */
record BenchRow(long id, int writer, long wseq, @JsonProperty("created_us") long createdUs) {

}
