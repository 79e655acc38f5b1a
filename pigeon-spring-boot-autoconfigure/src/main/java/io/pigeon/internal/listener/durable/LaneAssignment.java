package io.pigeon.internal.listener.durable;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.pigeon.internal.durable.DurableLogSql;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * This instance's part in a subscription split into lanes: it holds at most its fair share of
 * the lanes, {@code ceil(lanes / live instances)}, and hands the surplus over. Instances count
 * each other through {@link DurableLogSql#SUBSCRIPTION_MEMBER}, whose row each renews with the
 * lease heartbeat ({@link #heartbeat()}): an instance that holds no lane yet counts too, so that
 * the others make room for it. A lane's lease alone decides who delivers it (fencing by
 * generation): the share only decides which lanes a worker tries to take, so two instances
 * briefly disagreeing about it costs a hand-over, never a second holder.
 * <p>
 * Internal: not an API.
 */
final class LaneAssignment {

	private static final Log logger = LogFactory.getLog(LaneAssignment.class);

	private final Subscription subscription;

	private final DurableContext context;

	private final List<SubscriptionWorker> workers = new ArrayList<>();

	// guarded by this
	private final Set<Integer> reserved = new HashSet<>();

	// guarded by this
	private final Set<Integer> surplus = new HashSet<>();

	private volatile int instances = 1;

	private volatile int share;

	LaneAssignment(Subscription subscription, DurableContext context) {
		this.subscription = subscription;
		this.context = context;
		this.share = subscription.lanes();
	}

	Subscription getSubscription() {
		return this.subscription;
	}

	void add(SubscriptionWorker worker) {
		this.workers.add(worker);
	}

	/**
	 * Return the number of lanes this instance holds.
	 * @return the lanes held
	 */
	int held() {
		int held = 0;
		for (SubscriptionWorker worker : this.workers) {
			if (worker.isHolding()) {
				held++;
			}
		}
		return held;
	}

	/**
	 * Return the share of the lanes this instance may hold.
	 * @return {@code ceil(lanes / live instances)}
	 */
	int share() {
		return this.share;
	}

	/**
	 * Reserve a lane before trying to take its lease, unless this instance holds its share.
	 * @param lane the lane
	 * @return whether the worker may try
	 */
	synchronized boolean reserve(int lane) {
		if (held() + this.reserved.size() >= this.share) {
			return false;
		}
		return this.reserved.add(lane);
	}

	/**
	 * End a reservation, once the lease was taken (the worker then counts as holding) or not.
	 * @param lane the lane
	 */
	synchronized void unreserve(int lane) {
		this.reserved.remove(lane);
	}

	/**
	 * Return whether a held lane is to be handed over, this instance holding more than its
	 * share.
	 * @param lane the lane
	 * @return whether its worker must release it
	 */
	synchronized boolean isSurplus(int lane) {
		return this.surplus.contains(lane);
	}

	/**
	 * Note that a surplus lane was handed over.
	 * @param lane the lane
	 */
	synchronized void handedOver(int lane) {
		this.surplus.remove(lane);
	}

	/**
	 * Renew this instance's membership, count the live instances, and mark the lanes held
	 * beyond the share as surplus; runs on the container's scheduler with the lease heartbeats.
	 */
	void heartbeat() {
		try {
			this.context.jdbc()
				.update(this.context.sql().renewMember(), this.subscription.id(), this.context.holder(),
						this.context.settings().leaseTimeout().toMillis());
			Long live = this.context.jdbc()
				.queryForObject(this.context.sql().liveMembers(), Long.class, this.subscription.id(),
						this.subscription.id());
			rebalance((live != null) ? Math.max(1, live.intValue()) : 1);
		}
		catch (RuntimeException ex) {
			logger.debug("Pigeon could not count the instances of subscription '" + this.subscription.id() + "'", ex);
		}
	}

	synchronized void rebalance(int instances) {
		int lanes = this.subscription.lanes();
		int share = (lanes + instances - 1) / instances;
		List<Integer> held = new ArrayList<>();
		for (SubscriptionWorker worker : this.workers) {
			if (worker.isHolding()) {
				held.add(worker.getLane());
			}
		}
		this.surplus.retainAll(held);
		int excess = held.size() - share - this.surplus.size();
		// the highest lanes go, so that two instances agree on which without talking
		for (int i = held.size() - 1; i >= 0 && excess > 0; i--) {
			if (this.surplus.add(held.get(i))) {
				excess--;
			}
		}
		if (instances != this.instances || share != this.share) {
			logger.info("Pigeon subscription '" + this.subscription.id() + "' has " + lanes + " lanes over "
					+ instances + " instance(s): this instance (" + this.context.holder() + ") holds up to " + share
					+ " (now " + held.size() + ((this.surplus.isEmpty()) ? ""
							: ", handing over lane(s) " + this.surplus.stream().sorted().toList())
					+ ")");
		}
		this.instances = instances;
		this.share = share;
		if (held.size() < share) {
			// room for more: the workers standing by try now rather than at their next poll
			for (SubscriptionWorker worker : this.workers) {
				if (!worker.isHolding()) {
					worker.wakeUp();
				}
			}
		}
	}

	/**
	 * Leave the subscription's members on a clean stop, so that the others take its lanes up.
	 */
	void leave() {
		try {
			this.context.jdbc().update(this.context.sql().removeMember(), this.subscription.id(), this.context.holder());
		}
		catch (RuntimeException ex) {
			logger.debug("Pigeon could not leave subscription '" + this.subscription.id() + "'", ex);
		}
	}

}
