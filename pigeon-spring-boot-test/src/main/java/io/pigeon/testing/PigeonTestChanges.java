package io.pigeon.testing;

import io.pigeon.PigeonAction;

/**
 * Starts a synthetic change for {@link PigeonEvents#deliver}: one of each action, on a channel,
 * by default of the table of the channel's name in schema {@code public}.
 * <pre class="code">
 * pigeonEvents.deliver(PigeonTestChanges.insert("items").data(new Item(1, "Bird seed")));
 * </pre>
 *
 * @since 0.1.0
 */
public final class PigeonTestChanges {

	private PigeonTestChanges() {
	}

	/**
	 * Start an insert.
	 * @param channel the channel to deliver it on
	 * @return the change, to complete
	 */
	public static PigeonTestChange insert(String channel) {
		return new PigeonTestChange(channel, PigeonAction.INSERT);
	}

	/**
	 * Start an update.
	 * @param channel the channel to deliver it on
	 * @return the change, to complete
	 */
	public static PigeonTestChange update(String channel) {
		return new PigeonTestChange(channel, PigeonAction.UPDATE);
	}

	/**
	 * Start a delete; its {@code data} is the deleted row, as the triggers send it.
	 * @param channel the channel to deliver it on
	 * @return the change, to complete
	 */
	public static PigeonTestChange delete(String channel) {
		return new PigeonTestChange(channel, PigeonAction.DELETE);
	}

	/**
	 * Start a truncate, a statement-level change without rows.
	 * @param channel the channel to deliver it on
	 * @return the change, to complete
	 */
	public static PigeonTestChange truncate(String channel) {
		return new PigeonTestChange(channel, PigeonAction.TRUNCATE);
	}

}
