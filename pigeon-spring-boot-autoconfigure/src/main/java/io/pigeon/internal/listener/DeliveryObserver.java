package io.pigeon.internal.listener;

import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Told of each call of a listener method once it has returned or thrown, on the thread that
 * called it: what Pigeon really delivered, for a test kit's recorder. Every
 * {@code DeliveryObserver} bean is told, in their order.
 * <p>
 * Internal: not an API.
 */
@FunctionalInterface
public interface DeliveryObserver {

	/**
	 * Observes nothing.
	 */
	DeliveryObserver NONE = (listenerId, notification, failure) -> {
	};

	/**
	 * Called after a listener method was called with a notification.
	 * @param listenerId the listener's id
	 * @param notification the notification, with its channel and payload
	 * @param failure what binding the arguments or the method threw, {@code null} when it returned
	 */
	void delivered(String listenerId, IncomingNotification notification, @Nullable Throwable failure);

	/**
	 * Return an observer that tells each of the given ones in turn; one that throws is logged and
	 * never fails the delivery or keeps the others from being told.
	 * @param observers the observers
	 * @return an observer of all of them
	 */
	static DeliveryObserver of(List<DeliveryObserver> observers) {
		if (observers.isEmpty()) {
			return NONE;
		}
		List<DeliveryObserver> all = List.copyOf(observers);
		Log logger = LogFactory.getLog(DeliveryObserver.class);
		return (listenerId, notification, failure) -> {
			for (DeliveryObserver observer : all) {
				try {
					observer.delivered(listenerId, notification, failure);
				}
				catch (RuntimeException ex) {
					logger.error("DeliveryObserver " + observer.getClass().getName() + " failed for listener "
							+ listenerId + " on channel '" + notification.channel() + "'", ex);
				}
			}
		};
	}

}
