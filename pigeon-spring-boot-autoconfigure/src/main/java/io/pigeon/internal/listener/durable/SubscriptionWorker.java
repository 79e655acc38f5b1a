package io.pigeon.internal.listener.durable;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.pigeon.PigeonSubscriptionGapEvent;
import io.pigeon.internal.durable.DurableLogSql;
import io.pigeon.internal.durable.LogEvent;
import io.pigeon.internal.durable.LogPosition;
import io.pigeon.internal.durable.LogReader;
import io.pigeon.internal.listener.IncomingNotification;
import io.pigeon.internal.listener.ListenerControl;
import io.pigeon.internal.listener.MethodListenerAdapter;
import io.pigeon.internal.listener.NotificationParser;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Reads one subscription's events from the log and delivers them, on one thread for as long as
 * the container runs: it takes the subscription's lease (or stands by, trying every
 * poll-interval and on every wake-up), reads its position, then catches up and follows the log
 * page by page, acknowledging with the statement fenced by its lease.
 * <p>
 * A listener without a transaction is acknowledged after each page (and before the first wait
 * of a retry, so that the events before the failing one are not delivered again); a
 * transactional one with each event, in the listener's transaction. An acknowledgement that
 * updates nothing means another instance took the subscription over: delivery stops (the
 * transaction, if any, rolls back) and the worker stands by. So does a worker whose lease was
 * not renewed before it ended ({@link #heartbeat()} runs on the container's scheduler). A
 * failing call is retried with back-off while the subscription waits, then the event goes to
 * the dead letters. A database failure never ends the worker: it retries with back-off and
 * re-reads its position from the database.
 * <p>
 * Internal: not an API.
 */
final class SubscriptionWorker implements Runnable {

	private static final Log logger = LogFactory.getLog(SubscriptionWorker.class);

	/** Empty reads between two stores of an advancing idle position. */
	static final int IDLE_READS_PER_ACK = 5;

	private static final long DEAD_LETTER_WARNING_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

	private static final int STACK_TRACE_LINES = 20;

	private final Subscription subscription;

	private final int lane;

	private final @Nullable LaneAssignment assignment;

	// how log lines name the subscription: 'id', or 'id' (lane 3 of 8)
	private final String name;

	private final DurableContext context;

	private final RetryBackOff retry;

	private final NotificationParser.RowTypes rowTypes;

	private final long leaseTimeoutNanos;

	private final Object monitor = new Object();

	private final CountDownLatch ended = new CountDownLatch(1);

	// guarded by monitor
	private boolean wakeUpPending;

	private volatile boolean stopping;

	private volatile boolean holding;

	private volatile long generation;

	private volatile long leaseDeadlineNanos;

	private volatile @Nullable Thread thread;

	// The fields below are the worker thread's own.
	private LogPosition position = LogPosition.beginning();

	private int idleReads;

	/** Set when a transaction's outcome is unknown: read the stored position before delivering. */
	private boolean rereadPosition;

	private long nextRedriveNanos;

	private @Nullable BackOffExecution outage;

	private long lastDeadLetterWarningNanos;

	private int unreportedDeadLetters;

	SubscriptionWorker(Subscription subscription, DurableContext context) {
		this(subscription, 0, null, context);
	}

	SubscriptionWorker(Subscription subscription, int lane, @Nullable LaneAssignment assignment,
			DurableContext context) {
		this.subscription = subscription;
		this.lane = lane;
		this.assignment = assignment;
		this.name = "'" + subscription.id() + "'"
				+ ((subscription.lanes() > 1) ? " (lane " + lane + " of " + subscription.lanes() + ")" : "");
		this.context = context;
		this.retry = new RetryBackOff(context.settings());
		this.rowTypes = context.parser().rowTypes(List.of(subscription.adapter()));
		this.leaseTimeoutNanos = context.settings().leaseTimeout().toNanos();
		this.lastDeadLetterWarningNanos = System.nanoTime() - DEAD_LETTER_WARNING_INTERVAL_NANOS;
	}

	Subscription getSubscription() {
		return this.subscription;
	}

	int getLane() {
		return this.lane;
	}

	/**
	 * Return how log lines name the lane.
	 * @return the subscription's id in quotes, and the lane when there are several
	 */
	String getName() {
		return this.name;
	}

	/**
	 * Return whether this instance holds the subscription and may deliver.
	 * @return {@code true} while holding a lease that has not ended
	 */
	boolean isHolding() {
		return this.holding && System.nanoTime() - this.leaseDeadlineNanos < 0;
	}

	@Override
	public void run() {
		this.thread = Thread.currentThread();
		try {
			while (!this.stopping) {
				step();
			}
		}
		finally {
			release();
			this.thread = null;
			this.ended.countDown();
		}
	}

	private void step() {
		try {
			if (!this.holding && !acquire()) {
				await(this.context.settings().pollInterval());
				return;
			}
			recovered();
			LaneAssignment assignment = this.assignment;
			if (assignment != null && assignment.isSurplus(this.lane)) {
				handOver(assignment);
				return;
			}
			if (this.rereadPosition) {
				this.position = readPosition();
				this.rereadPosition = false;
			}
			ListenerControl control = this.subscription.adapter().getControl();
			if (!control.isRunning() || control.isPaused()) {
				// Stopped or paused through the registry: the subscription waits where it is.
				await(this.context.settings().pollInterval());
				return;
			}
			redriveIfDue();
			if (!readAndDeliver()) {
				await(this.context.settings().pollInterval());
			}
		}
		catch (LeaseLostException ex) {
			standBy(ex.getMessage());
		}
		catch (Stopping ex) {
			// the loop ends
		}
		catch (RuntimeException ex) {
			if (!this.stopping) {
				failed(ex);
			}
		}
	}

	// --- leases

	private boolean acquire() {
		LaneAssignment assignment = this.assignment;
		if (assignment == null) {
			return acquireLease();
		}
		if (!assignment.reserve(this.lane)) {
			return false;
		}
		try {
			return acquireLease();
		}
		finally {
			assignment.unreserve(this.lane);
		}
	}

	/**
	 * Hand a lane over that this instance holds beyond its share: its position is stored
	 * (after each page, or each event in a transaction), so releasing the lease and waking the
	 * standbys is a clean hand-over.
	 */
	private void handOver(LaneAssignment assignment) {
		release();
		assignment.handedOver(this.lane);
		logger.debug("Pigeon subscription " + this.name + " handed over to another instance");
	}

	private boolean acquireLease() {
		long started = System.nanoTime();
		List<Acquired> acquired = this.context.jdbc()
			.query(this.context.sql().acquireLease(),
					(rs, row) -> new Acquired(rs.getLong("generation"), rs.getString("previous_holder")),
					DurableLogSql.acquireLeaseParameters(this.subscription.id(), this.lane, this.context.holder(),
							this.context.settings().leaseTimeout().toMillis()));
		if (acquired.isEmpty()) {
			recovered();
			return false;
		}
		Acquired lease = acquired.get(0);
		this.generation = lease.generation();
		this.leaseDeadlineNanos = started + this.leaseTimeoutNanos;
		this.position = readPosition();
		this.holding = true;
		this.idleReads = 0;
		this.nextRedriveNanos = System.nanoTime();
		String previous = lease.previousHolder();
		boolean handedOver = previous == null && this.subscription.lanes() > 1;
		if (handedOver) {
			// a lane released in a rebalance (which its instance logged) or never held
			logger.debug("Pigeon subscription " + this.name + " is now delivered by this instance");
		}
		else if (previous == null || !previous.equals(this.context.holder())) {
			logger.info("Pigeon subscription " + this.name + " on channel '"
					+ this.subscription.channel() + "' is now delivered by this instance (" + this.context.holder()
					+ "), taken over " + ((previous != null) ? "from " + previous + ", whose lease had ended"
							: "while no instance held it"));
		}
		checkGap();
		return true;
	}

	private LogPosition readPosition() {
		return this.context.jdbc().queryForObject(this.context.sql().position(), (rs, row) -> {
			long batchLowerId = rs.getLong("batch_lower_id");
			Long lower = rs.wasNull() ? null : batchLowerId;
			long batchLastId = rs.getLong("batch_last_id");
			Long last = rs.wasNull() ? null : batchLastId;
			return new LogPosition(rs.getString("snapshot"), rs.getLong("lower_id"), rs.getString("batch_snapshot"),
					lower, last);
		}, this.subscription.id(), this.lane);
	}

	/**
	 * Renew the lease while holding it; called every third of the lease timeout on the
	 * container's scheduler. A renewal that updates nothing means the lease was taken over; one
	 * that fails leaves the deadline where it is, so that the worker stops delivering once the
	 * lease has ended in the database too.
	 */
	void heartbeat() {
		if (!this.holding || this.stopping) {
			return;
		}
		long generation = this.generation;
		long started = System.nanoTime();
		try {
			int renewed = this.context.jdbc()
				.update(this.context.sql().renewLease(), this.context.settings().leaseTimeout().toMillis(),
						this.subscription.id(), this.lane, this.context.holder(), generation);
			if (generation != this.generation) {
				return;
			}
			if (renewed == 1) {
				this.leaseDeadlineNanos = started + this.leaseTimeoutNanos;
			}
			else if (this.holding) {
				this.holding = false;
				logger.warn("Pigeon subscription " + this.name + " lost its lease to another "
						+ "instance: this instance stops delivering it and stands by");
				wakeUp();
			}
		}
		catch (RuntimeException ex) {
			logger.debug("Pigeon could not renew the lease of subscription '" + this.subscription.id() + "'", ex);
		}
	}

	private void checkLease() {
		if (!this.holding) {
			throw new LeaseLostException("another instance took it over");
		}
		if (System.nanoTime() - this.leaseDeadlineNanos >= 0) {
			this.holding = false;
			throw new LeaseLostException("its lease could not be renewed within pigeon.durable.lease-timeout ("
					+ this.context.settings().leaseTimeout() + ")");
		}
	}

	private void standBy(@Nullable String reason) {
		this.holding = false;
		logger.warn("Pigeon subscription " + this.name + " on channel '" + this.subscription.channel()
				+ "' stopped delivering on this instance (" + reason + "); standing by");
	}

	private void release() {
		if (!this.holding) {
			return;
		}
		this.holding = false;
		try {
			this.context.jdbc()
				.update(this.context.sql().releaseLease(), this.subscription.id(), this.lane, this.context.holder(),
						this.generation);
			// A standby takes the subscription over at once rather than when the lease would have ended.
			this.context.jdbc()
				.query(this.context.sql().wakeUp(), (RowCallbackHandler) (rs) -> {
				}, this.subscription.channel());
		}
		catch (RuntimeException ex) {
			logger.warn("Pigeon could not release the lease of subscription '" + this.subscription.id()
					+ "': another instance takes it over once it ends (pigeon.durable.lease-timeout)", ex);
		}
	}

	private void checkGap() {
		Gap gap = this.context.jdbc().queryForObject(this.context.sql().missedEvents(), (rs, row) -> {
			long events = rs.getLong("events");
			if (rs.wasNull() || events == 0) {
				return null;
			}
			Timestamp min = rs.getTimestamp("min_created_at");
			Timestamp max = rs.getTimestamp("max_created_at");
			return new Gap(events, (Long) rs.getObject("min_id"), (Long) rs.getObject("max_id"),
					(min != null) ? min.toInstant() : null, (max != null) ? max.toInstant() : null);
		}, this.subscription.channel(), this.position.snapshot());
		if (gap == null) {
			return;
		}
		logger.warn("Pigeon subscription " + this.name + " on channel '" + this.subscription.channel()
				+ "' missed " + gap.events() + " event(s) (ids " + gap.minId() + " to " + gap.maxId() + ", written "
				+ gap.minTime() + " to " + gap.maxTime() + "): they were removed from the log while no instance held "
				+ "the subscription for longer than pigeon.durable.subscription-expiry; it continues with the events "
				+ "still in the log");
		this.context.eventPublisher()
			.publishEvent(new PigeonSubscriptionGapEvent(this.context.source(), this.subscription.id(),
					this.subscription.channel(), gap.events(), gap.minId(), gap.maxId(), gap.minTime(), gap.maxTime()));
	}

	private void acknowledge(LogPosition position) {
		int updated = this.context.jdbc()
			.update(this.context.sql().acknowledge(), DurableLogSql.acknowledgeParameters(this.subscription.id(), this.lane,
					this.context.holder(), this.generation, position));
		if (updated == 0) {
			this.holding = false;
			throw new LeaseLostException("another instance took it over before the acknowledgement");
		}
	}

	// --- reading and delivering

	/**
	 * Read the next page and deliver it.
	 * @return whether events were delivered (then the next page is read at once)
	 */
	private boolean readAndDeliver() {
		LogReader.Page page = this.context.reader()
			.read(this.subscription.channel(), this.position, this.context.settings().batchSize(), this.lane,
					this.subscription.lanes());
		if (page.events().isEmpty()) {
			// Stored now and then, so that an idle subscription does not hold the log's truncation back.
			if (++this.idleReads >= IDLE_READS_PER_ACK) {
				checkLease();
				acknowledge(page.after());
				this.idleReads = 0;
			}
			this.position = page.after();
			return false;
		}
		this.idleReads = 0;
		if (logger.isDebugEnabled()) {
			logger.debug("Pigeon subscription " + this.name + " read " + page.events().size()
					+ " event(s) from " + page.from() + ": ids " + page.events().stream().map(LogEvent::id).toList());
		}
		if (this.subscription.adapter().isBatch()) {
			deliverBatch(page);
		}
		else {
			deliverEach(page);
		}
		return true;
	}

	private void deliverEach(LogReader.Page page) {
		List<LogEvent> events = page.events();
		PageFailure pageFailure = null;
		if (this.subscription.transactional() && events.size() > 1 && !this.stopping) {
			pageFailure = deliverInOneTransaction(page);
			if (pageFailure == null) {
				this.position = page.after();
				return;
			}
		}
		for (int i = 0; i < events.size(); i++) {
			if (this.stopping) {
				// Finished the events before: acknowledged, so that the next holder starts here.
				if (i > 0) {
					acknowledge(page.afterEvent(i - 1));
				}
				throw new Stopping();
			}
			checkLease();
			LogEvent event = events.get(i);
			IncomingNotification notification = parse(event.payload());
			if (accepts(notification)) {
				deliver(page, i, notification,
						(pageFailure != null && pageFailure.index() == i) ? pageFailure.failure() : null);
			}
		}
		if (!this.subscription.transactional() || !page.after().equals(this.position)) {
			acknowledge(page.after());
		}
		this.position = page.after();
	}

	/**
	 * Deliver a transactional subscription's page in one transaction with its acknowledgement:
	 * one commit per page rather than per event. When a call fails, the transaction rolls back,
	 * with the effects of the page's earlier events, and the page is delivered again one event
	 * per transaction: the earlier events are called again (as attempt 1: their first calls'
	 * effects were rolled back), and the failed call counts as the failing event's first attempt.
	 * @return {@code null} when the page was delivered, otherwise which event failed and how
	 */
	private @Nullable PageFailure deliverInOneTransaction(LogReader.Page page) {
		checkLease();
		List<LogEvent> events = page.events();
		MethodListenerAdapter adapter = this.subscription.adapter();
		int[] current = { -1 };
		int[] accepted = { 0 };
		Throwable failure = call(() -> inTransaction(() -> {
			accepted[0] = 0;
			for (int i = 0; i < events.size(); i++) {
				current[0] = i;
				IncomingNotification notification = parse(events.get(i).payload());
				if (accepts(notification)) {
					adapter.invoke(notification, events.get(i).id(), 1);
					accepted[0]++;
				}
			}
			current[0] = -1;
			acknowledge(page.after());
		}));
		if (failure == null || committedAnyway(page.after())) {
			this.context.metrics().processed(this.subscription.id(), this.subscription.channel(), accepted[0]);
			return null;
		}
		// A failure outside any call (the acknowledgement, the commit) is no event's attempt.
		return new PageFailure(current[0], failure);
	}

	private void deliver(LogReader.Page page, int index, IncomingNotification notification,
			@Nullable Throwable priorFailure) {
		LogEvent event = page.events().get(index);
		MethodListenerAdapter adapter = this.subscription.adapter();
		boolean transactional = this.subscription.transactional();
		RetryBackOff.Execution waits = this.retry.start();
		Instant firstAttempt = Instant.now();
		for (int attempt = 1;; attempt++) {
			int call = attempt;
			boolean prior = attempt == 1 && priorFailure != null;
			if (!prior) {
				checkLease();
			}
			Throwable failure = prior ? priorFailure : call(() -> {
				if (transactional) {
					inTransaction(() -> {
						adapter.invoke(notification, event.id(), call);
						acknowledge(page.afterEvent(index));
					});
				}
				else {
					adapter.invoke(notification, event.id(), call);
				}
			});
			if (failure == null || (!prior && transactional && committedAnyway(page.afterEvent(index)))) {
				this.context.metrics().processed(this.subscription.id(), this.subscription.channel(), 1);
				if (transactional) {
					this.position = page.afterEvent(index);
				}
				return;
			}
			Duration wait = failed(List.of(event), failure, attempt, waits);
			if (wait == null) {
				deadLetter(List.of(event), failure, attempt, firstAttempt,
						transactional ? page.afterEvent(index) : null);
				if (transactional) {
					this.position = page.afterEvent(index);
				}
				return;
			}
			if (attempt == 1 && !transactional && index > 0) {
				// Waiting, maybe long: the events before are done whoever delivers the next call.
				acknowledge(page.afterEvent(index - 1));
			}
			sleep(wait);
		}
	}

	private void deliverBatch(LogReader.Page page) {
		List<LogEvent> accepted = new ArrayList<>();
		List<IncomingNotification> notifications = new ArrayList<>();
		List<Long> ids = new ArrayList<>();
		for (LogEvent event : page.events()) {
			IncomingNotification notification = parse(event.payload());
			if (accepts(notification)) {
				accepted.add(event);
				notifications.add(notification);
				ids.add(event.id());
			}
		}
		if (this.stopping) {
			throw new Stopping();
		}
		if (accepted.isEmpty()) {
			acknowledge(page.after());
			this.position = page.after();
			return;
		}
		MethodListenerAdapter adapter = this.subscription.adapter();
		boolean transactional = this.subscription.transactional();
		RetryBackOff.Execution waits = this.retry.start();
		Instant firstAttempt = Instant.now();
		for (int attempt = 1;; attempt++) {
			checkLease();
			int call = attempt;
			Throwable failure = call(() -> {
				if (transactional) {
					inTransaction(() -> {
						adapter.invokeBatch(notifications, ids, call);
						acknowledge(page.after());
					});
				}
				else {
					adapter.invokeBatch(notifications, ids, call);
				}
			});
			if (failure == null || (transactional && committedAnyway(page.after()))) {
				this.context.metrics().processed(this.subscription.id(), this.subscription.channel(), accepted.size());
				if (!transactional) {
					acknowledge(page.after());
				}
				this.position = page.after();
				return;
			}
			Duration wait = failed(accepted, failure, attempt, waits);
			if (wait == null) {
				deadLetter(accepted, failure, attempt, firstAttempt, page.after());
				this.position = page.after();
				return;
			}
			sleep(wait);
		}
	}

	private IncomingNotification parse(String payload) {
		return this.context.parser().parse(this.subscription.channel(), payload, this.rowTypes);
	}

	private boolean accepts(IncomingNotification notification) {
		MethodListenerAdapter adapter = this.subscription.adapter();
		if (!adapter.accepts(notification)) {
			return false;
		}
		if (!adapter.hasCondition()) {
			return true;
		}
		try {
			return adapter.matches(adapter.view(notification));
		}
		catch (RuntimeException ex) {
			logger.error("Pigeon subscription " + this.name + " skips an event: " + ex.getMessage(), ex);
			this.context.failureHandler()
				.report(this.subscription.channel(), notification.payload(), ex, adapter.getErrorHandler());
			return false;
		}
	}

	/**
	 * Make one call, timed.
	 * @return what it threw, {@code null} when it returned
	 * @throws LeaseLostException if the acknowledgement found the lease lost
	 */
	private @Nullable Throwable call(Body body) {
		long started = System.nanoTime();
		try {
			body.run();
			return null;
		}
		catch (LeaseLostException ex) {
			throw ex;
		}
		catch (Throwable ex) {
			return ex;
		}
		finally {
			this.context.metrics()
				.processing(this.subscription.id(), this.subscription.channel(), System.nanoTime() - started);
		}
	}

	/**
	 * Return whether a transaction that failed to report its outcome committed nonetheless: a
	 * connection lost during COMMIT leaves it unknown, and redelivering an event whose effect and
	 * acknowledgement did commit would repeat the effect. The stored position tells: it has moved
	 * to the acknowledged one only if the transaction committed (the lease is still ours, so no
	 * other instance moved it). When the database cannot be asked, the failure goes up and the
	 * position is read again before anything is delivered.
	 */
	private boolean committedAnyway(LogPosition acknowledged) {
		try {
			return readPosition().equals(acknowledged);
		}
		catch (RuntimeException ex) {
			this.rereadPosition = true;
			throw ex;
		}
	}

	private void inTransaction(Body body) throws Throwable {
		var transactions = this.context.transactions();
		if (transactions == null) {
			throw new IllegalStateException("No transaction manager for Pigeon's DataSource");
		}
		try {
			transactions.executeWithoutResult((status) -> {
				try {
					body.run();
				}
				catch (RuntimeException | Error ex) {
					throw ex;
				}
				catch (Throwable ex) {
					throw new CheckedFailure(ex);
				}
			});
		}
		catch (CheckedFailure ex) {
			throw ex.getCause();
		}
	}

	/**
	 * Report a failed call and decide what follows.
	 * @return the wait before the next call, or {@code null} to give the events up
	 */
	private @Nullable Duration failed(List<LogEvent> events, Throwable failure, int attempt,
			RetryBackOff.Execution waits) {
		for (LogEvent event : events) {
			this.context.failureHandler()
				.report(this.subscription.channel(), event.payload(), failure,
						this.subscription.adapter().getErrorHandler());
		}
		if (RetryBackOff.isNonRetryable(failure)) {
			return null;
		}
		Duration wait = waits.failed();
		if (wait != null) {
			this.context.metrics().retried(this.subscription.id(), this.subscription.channel());
			logger.warn("Pigeon listener " + this.subscription.adapter().getDescription() + " failed on event "
					+ events.get(0).id() + ((events.size() > 1) ? " (and " + (events.size() - 1) + " more)" : "")
					+ " of channel '" + this.subscription.channel() + "' (attempt " + attempt + " of "
					+ this.retry.maxAttempts() + "), retrying in " + wait.toMillis() + " ms: " + failure);
		}
		return wait;
	}

	private void deadLetter(List<LogEvent> events, Throwable failure, int attempts, Instant firstAttempt,
			@Nullable LogPosition acknowledged) {
		Body write = () -> {
			Timestamp first = Timestamp.from(firstAttempt);
			Timestamp last = Timestamp.from(Instant.now());
			for (LogEvent event : events) {
				this.context.jdbc()
					.update(this.context.sql().insertDeadLetter(), this.subscription.id(), event.id(),
							this.subscription.channel(), event.payload(), failure.getClass().getName(),
							failure.getMessage(), stackTrace(failure), attempts, first, last);
			}
			if (acknowledged != null) {
				acknowledge(acknowledged);
			}
		};
		try {
			if (this.subscription.transactional()) {
				inTransaction(write);
			}
			else {
				write.run();
			}
		}
		catch (RuntimeException | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new IllegalStateException(ex);
		}
		events.forEach((event) -> this.context.metrics()
			.deadLettered(this.subscription.id(), this.subscription.channel()));
		warnDeadLetter(events, failure, attempts);
	}

	private void warnDeadLetter(List<LogEvent> events, Throwable failure, int attempts) {
		long now = System.nanoTime();
		if (now - this.lastDeadLetterWarningNanos < DEAD_LETTER_WARNING_INTERVAL_NANOS) {
			this.unreportedDeadLetters += events.size();
			return;
		}
		int unreported = this.unreportedDeadLetters;
		this.unreportedDeadLetters = 0;
		this.lastDeadLetterWarningNanos = now;
		logger.warn("Pigeon subscription " + this.name + " gave up on event " + events.get(0).id()
				+ ((events.size() > 1) ? " (and " + (events.size() - 1) + " more of its batch)" : "") + " after "
				+ attempts + " attempt(s) and moved it to " + this.context.sql().qualified(DurableLogSql.DEAD_LETTER)
				+ " (set redrive_requested_at to deliver it again)"
				+ ((unreported > 0) ? "; " + unreported + " more event(s) went there in the last 10 s" : "") + ": "
				+ failure);
	}

	static String stackTrace(Throwable failure) {
		StringWriter text = new StringWriter();
		failure.printStackTrace(new PrintWriter(text));
		String[] lines = text.toString().split("\\R");
		StringBuilder head = new StringBuilder();
		for (int i = 0; i < Math.min(lines.length, STACK_TRACE_LINES); i++) {
			head.append(lines[i]).append('\n');
		}
		if (lines.length > STACK_TRACE_LINES) {
			head.append("\t... ").append(lines.length - STACK_TRACE_LINES).append(" more lines\n");
		}
		return head.toString();
	}

	// --- redrive

	private void redriveIfDue() {
		if (this.lane != 0) {
			// dead letters are the subscription's: its lane 0 redrives them
			return;
		}
		long now = System.nanoTime();
		if (now - this.nextRedriveNanos < 0) {
			return;
		}
		this.nextRedriveNanos = now + this.context.settings().pollInterval().toNanos();
		List<DeadLetter> requested = this.context.jdbc()
			.query(this.context.sql().redriveRequested(),
					(rs, row) -> new DeadLetter(rs.getLong("id"), rs.getLong("event_id"), rs.getString("payload"),
							rs.getInt("attempts")),
					this.subscription.id(), this.context.settings().batchSize());
		for (DeadLetter deadLetter : requested) {
			if (this.stopping) {
				throw new Stopping();
			}
			redrive(deadLetter);
		}
	}

	private void redrive(DeadLetter deadLetter) {
		MethodListenerAdapter adapter = this.subscription.adapter();
		IncomingNotification notification = parse(deadLetter.payload());
		LogEvent event = new LogEvent(deadLetter.eventId(), "", Instant.now(), deadLetter.payload());
		RetryBackOff.Execution waits = this.retry.start();
		Instant firstAttempt = Instant.now();
		for (int calls = 1;; calls++) {
			checkLease();
			int call = deadLetter.attempts() + calls;
			Body invoke = () -> {
				if (adapter.isBatch()) {
					adapter.invokeBatch(List.of(notification), List.of(deadLetter.eventId()), call);
				}
				else {
					adapter.invoke(notification, deadLetter.eventId(), call);
				}
				this.context.jdbc().update(this.context.sql().deleteDeadLetter(), deadLetter.id());
			};
			Throwable failure = call(() -> {
				if (this.subscription.transactional()) {
					inTransaction(invoke);
				}
				else {
					invoke.run();
				}
			});
			if (failure == null) {
				this.context.metrics().processed(this.subscription.id(), this.subscription.channel(), 1);
				logger.info("Pigeon subscription " + this.name + " redelivered dead letter of event "
						+ deadLetter.eventId());
				return;
			}
			Duration wait = failed(List.of(event), failure, call, waits);
			if (wait == null) {
				// Back to the dead letters: the upsert adds this redrive's calls and clears the request.
				deadLetter(List.of(event), failure, calls, firstAttempt, null);
				return;
			}
			sleep(wait);
		}
	}

	// --- waiting, stopping and failures

	/**
	 * Wake the worker up: new events may be in the log, or the lease may be free.
	 */
	void wakeUp() {
		synchronized (this.monitor) {
			this.wakeUpPending = true;
			this.monitor.notifyAll();
		}
	}

	private void await(Duration timeout) {
		synchronized (this.monitor) {
			try {
				if (!this.wakeUpPending && !this.stopping) {
					this.monitor.wait(Math.max(1, timeout.toMillis()));
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				this.stopping = true;
			}
			this.wakeUpPending = false;
		}
	}

	// Waits out a retry's back-off; wake-ups do not shorten it, a stop ends it.
	private void sleep(Duration wait) {
		long deadline = System.nanoTime() + wait.toNanos();
		synchronized (this.monitor) {
			long left;
			while (!this.stopping && (left = deadline - System.nanoTime()) > 0) {
				try {
					TimeUnit.NANOSECONDS.timedWait(this.monitor, left);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					this.stopping = true;
				}
			}
		}
		if (this.stopping) {
			throw new Stopping();
		}
	}

	private void failed(RuntimeException ex) {
		this.holding = false;
		BackOffExecution outage = this.outage;
		if (outage == null) {
			ExponentialBackOff backOff = new ExponentialBackOff(
					Math.max(1, this.context.settings().reconnectInitialBackoff().toMillis()), 2.0);
			backOff.setMaxInterval(Math.max(backOff.getInitialInterval(),
					this.context.settings().reconnectMaxBackoff().toMillis()));
			backOff.setJitter(backOff.getInitialInterval() / 2);
			outage = backOff.start();
			this.outage = outage;
			logger.warn("Pigeon subscription " + this.name + " on channel '"
					+ this.subscription.channel() + "' cannot read or acknowledge the log, retrying with back-off "
					+ "(pigeon.listener.reconnect.*); no event is lost, it resumes from its stored position: " + ex);
			logger.debug("Pigeon subscription failure", ex);
		}
		else {
			logger.debug("Pigeon subscription " + this.name + " still cannot reach the log", ex);
		}
		long wait = outage.nextBackOff();
		synchronized (this.monitor) {
			try {
				if (!this.stopping) {
					this.monitor.wait(Math.max(1, wait));
				}
			}
			catch (InterruptedException interrupted) {
				Thread.currentThread().interrupt();
				this.stopping = true;
			}
		}
	}

	private void recovered() {
		if (this.outage != null) {
			this.outage = null;
			logger.info("Pigeon subscription " + this.name + " reaches the log again");
		}
	}

	/**
	 * Ask the worker to stop: it finishes the event in progress (without waiting out a retry's
	 * back-off), acknowledges, releases its lease and ends.
	 */
	void stop() {
		synchronized (this.monitor) {
			this.stopping = true;
			this.monitor.notifyAll();
		}
	}

	/**
	 * Wait for the worker's thread to end.
	 * @param deadlineNanos the {@link System#nanoTime()} to give up at
	 * @return {@code true} if it ended
	 * @throws InterruptedException if interrupted while waiting
	 */
	boolean awaitEnd(long deadlineNanos) throws InterruptedException {
		return this.ended.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
	}

	/**
	 * Interrupt the worker's thread, after a stop that did not end it in time.
	 */
	void interrupt() {
		stop();
		Thread thread = this.thread;
		if (thread != null) {
			thread.interrupt();
		}
	}

	/**
	 * The call that made a page's one transaction fail.
	 *
	 * @param index the index of the event whose call failed, or -1 when no call did
	 * @param failure what the call threw
	 */
	private record PageFailure(int index, Throwable failure) {
	}

	@FunctionalInterface
	private interface Body {

		void run() throws Throwable;

	}

	private record Acquired(long generation, @Nullable String previousHolder) {
	}

	private record Gap(long events, @Nullable Long minId, @Nullable Long maxId, @Nullable Instant minTime,
			@Nullable Instant maxTime) {
	}

	private record DeadLetter(long id, long eventId, String payload, int attempts) {
	}

	private static final class Stopping extends RuntimeException {

		private static final long serialVersionUID = 1L;

		Stopping() {
			super(null, null, false, false);
		}

	}

	private static final class CheckedFailure extends RuntimeException {

		private static final long serialVersionUID = 1L;

		CheckedFailure(Throwable cause) {
			super(cause);
		}

	}

}
