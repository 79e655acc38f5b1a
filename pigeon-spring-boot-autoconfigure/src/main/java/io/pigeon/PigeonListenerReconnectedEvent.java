package io.pigeon;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEvent;

/**
 * Published when the listener connection is back after an outage and listens on every channel
 * again. Notifications sent during the outage were not received: an application that must not
 * miss a change resynchronises from its tables.
 * <p>
 * The loss may have happened before it was found ({@link #getOutageStart()}): a silent network is
 * only noticed by the next check. Changes may have been missed from {@link #getLastKnownGood()},
 * the last moment the connection was known to work (the last notification received or check
 * answered). {@link #getResumedSnapshot()} makes the other end exact: it was taken on the new
 * connection once LISTEN had committed, so every transaction it does not see as committed is
 * delivered as notifications, and everything it sees is in the tables. A resynchronisation
 * therefore reads what changed since {@code getLastKnownGood()} (allowing for clock skew between
 * the application and the database) up to now; an event arriving afterwards whose {@code txid}
 * the snapshot sees as committed ({@code pg_visible_in_snapshot(txid::text::xid8, snapshot::pg_snapshot)})
 * is already in what was read. {@link #getResumedDatabaseTime()} is the database's clock at that
 * point, for tables that keep an update time.
 *
 * @since 0.1.0
 */
public class PigeonListenerReconnectedEvent extends ApplicationEvent {

	private final Instant outageStart;

	private final Instant outageEnd;

	private final Instant lastKnownGood;

	private final @Nullable String resumedSnapshot;

	private final @Nullable Instant resumedDatabaseTime;

	/**
	 * Create a new event that knows only when the outage was found and when it ended.
	 * @param source the listener container that reconnected
	 * @param outageStart when the connection was found lost, also taken as the last known-good time
	 * @param outageEnd when listening resumed
	 */
	public PigeonListenerReconnectedEvent(Object source, Instant outageStart, Instant outageEnd) {
		this(source, outageStart, outageEnd, outageStart, null, null);
	}

	/**
	 * Create a new event.
	 * @param source the listener container that reconnected
	 * @param outageStart when the connection was found lost
	 * @param outageEnd when listening resumed
	 * @param lastKnownGood the last moment the connection was known to work, at or before the
	 * outage start
	 * @param resumedSnapshot {@code pg_current_snapshot()} taken right after LISTEN on the new
	 * connection, or {@code null} if it could not be taken
	 * @param resumedDatabaseTime the database's {@code clock_timestamp()} taken with the snapshot,
	 * or {@code null}
	 */
	public PigeonListenerReconnectedEvent(Object source, Instant outageStart, Instant outageEnd,
			Instant lastKnownGood, @Nullable String resumedSnapshot, @Nullable Instant resumedDatabaseTime) {
		super(source);
		this.outageStart = outageStart;
		this.outageEnd = outageEnd;
		this.lastKnownGood = lastKnownGood;
		this.resumedSnapshot = resumedSnapshot;
		this.resumedDatabaseTime = resumedDatabaseTime;
	}

	/**
	 * Return when the connection was found lost; it may have been lost earlier, since
	 * {@link #getLastKnownGood()}.
	 * @return the start of the outage as detected
	 */
	public Instant getOutageStart() {
		return this.outageStart;
	}

	/**
	 * Return when listening resumed on every channel.
	 * @return the end of the outage
	 */
	public Instant getOutageEnd() {
		return this.outageEnd;
	}

	/**
	 * Return the last moment the connection was known to work: the last notification received or
	 * check answered before the outage (or the first failed attempt, for a listener that started
	 * without its database). Changes committed since then may have been missed.
	 * @return the application's clock when the connection last worked
	 */
	public Instant getLastKnownGood() {
		return this.lastKnownGood;
	}

	/**
	 * Return the database snapshot ({@code pg_current_snapshot()} as text, for example
	 * {@code 784:790:785,788}) taken on the new connection once LISTEN had committed: a
	 * transaction it does not see as committed is delivered as notifications.
	 * @return the snapshot, or {@code null} if it could not be taken
	 */
	public @Nullable String getResumedSnapshot() {
		return this.resumedSnapshot;
	}

	/**
	 * Return the database's clock ({@code clock_timestamp()}) taken with
	 * {@link #getResumedSnapshot()}.
	 * @return the database time right after LISTEN, or {@code null} if it could not be taken
	 */
	public @Nullable Instant getResumedDatabaseTime() {
		return this.resumedDatabaseTime;
	}

}
