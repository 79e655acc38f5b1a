package io.pigeon.internal.durable;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Where a subscription stands in the log (see {@link DurableLogSql}): every event visible in
 * {@code snapshot} has been processed, and every event of a transaction that started after it
 * has an id above {@code lowerId}. While a batch is open, {@code batchSnapshot} is the snapshot
 * the batch reads up to, {@code batchLowerId} its {@code L}, and {@code batchLastId} the last
 * id processed in it.
 *
 * @param snapshot the snapshot {@code S}, as PostgreSQL writes a {@code pg_snapshot}
 * @param lowerId {@code L}: the largest event id allocated before {@code S} was taken
 * @param batchSnapshot the open batch's snapshot {@code S'}, or {@code null}
 * @param batchLowerId the open batch's {@code L'}, or {@code null}
 * @param batchLastId the last id processed in the open batch, or {@code null}
 */
public record LogPosition(String snapshot, long lowerId, @Nullable String batchSnapshot, @Nullable Long batchLowerId,
		@Nullable Long batchLastId) {

	public LogPosition {
		Objects.requireNonNull(snapshot, "snapshot must not be null");
		if ((batchSnapshot == null) != (batchLowerId == null)) {
			throw new IllegalArgumentException("A batch needs both its snapshot and its lower id");
		}
	}

	/**
	 * Return a position without an open batch.
	 * @param snapshot the snapshot
	 * @param lowerId the largest event id allocated before the snapshot
	 * @return the position
	 */
	public static LogPosition at(String snapshot, long lowerId) {
		return new LogPosition(snapshot, lowerId, null, null, null);
	}

	/**
	 * Return the position of the oldest event still in the log: nothing processed.
	 * @return the position
	 */
	public static LogPosition beginning() {
		return at("1:1:", 0);
	}

	/**
	 * Return whether a batch is open.
	 * @return whether {@link #batchSnapshot()} is set
	 */
	public boolean inBatch() {
		return this.batchSnapshot != null;
	}

	/**
	 * Return this position with a batch opened up to a later snapshot.
	 * @param snapshot the batch's snapshot {@code S'}
	 * @param lowerId the largest event id allocated before {@code S'} was taken
	 * @return the position
	 */
	public LogPosition openBatch(String snapshot, long lowerId) {
		return new LogPosition(this.snapshot, this.lowerId, snapshot, lowerId, null);
	}

	/**
	 * Return this position after processing the batch's events up to an id.
	 * @param lastId the last id processed
	 * @return the position
	 */
	public LogPosition processedUpTo(long lastId) {
		if (!inBatch()) {
			throw new IllegalStateException("No batch is open");
		}
		return new LogPosition(this.snapshot, this.lowerId, this.batchSnapshot, this.batchLowerId, lastId);
	}

	/**
	 * Return the position after the open batch: its snapshot becomes the position's.
	 * @return the position
	 */
	public LogPosition closeBatch() {
		if (this.batchSnapshot == null || this.batchLowerId == null) {
			throw new IllegalStateException("No batch is open");
		}
		return at(this.batchSnapshot, this.batchLowerId);
	}

	/**
	 * Return the last id processed in the open batch, {@link Long#MIN_VALUE} when none yet
	 * (the page query then starts at {@link #lowerId()} for new transactions).
	 * @return the id
	 */
	public long pageFrom() {
		return (this.batchLastId != null) ? this.batchLastId : Long.MIN_VALUE;
	}

}
