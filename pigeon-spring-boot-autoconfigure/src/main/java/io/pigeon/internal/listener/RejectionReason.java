package io.pigeon.internal.listener;

/**
 * Why a notification was not delivered to a listener method, as the {@code reason} tag of
 * {@code pigeon.notifications.rejected} spells it.
 *
 * @since 0.1.0
 */
public enum RejectionReason {

	/**
	 * An overflow reference that names a payload stored for another channel or another change:
	 * forged, since NOTIFY needs no privilege.
	 */
	OVERFLOW_MISMATCH("overflow-mismatch"),

	/**
	 * A payload that is not a Pigeon change, sent to a method that binds one ({@code PigeonEvent}),
	 * or not JSON at all, sent to a method that binds JSON ({@code (T data)}).
	 */
	NOT_A_CHANGE("not-a-change"),

	/**
	 * Parts of a statement payload with rows whose set is incomplete (a part was lost, say while
	 * the listener reconnected or its channel's buffer was full): never delivered as if whole.
	 */
	INCOMPLETE_ROWS("incomplete-rows");

	private final String tag;

	RejectionReason(String tag) {
		this.tag = tag;
	}

	/**
	 * Return the reason as a metric tag and in messages.
	 * @return the tag value
	 */
	public String tag() {
		return this.tag;
	}

}
