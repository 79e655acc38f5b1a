package io.pigeon.sample;

import io.pigeon.PigeonEvent;
import io.pigeon.PigeonListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Logs each price change with the price before and after, both bound to {@link ItemPrice}: the
 * {@code items_price_notify} trigger sends only those columns, and the old row too
 * ({@code include-old}).
 */
@Component
public class PriceChangeLogger {

	private static final Logger logger = LoggerFactory.getLogger(PriceChangeLogger.class);

	@PigeonListener(channel = "item_prices")
	public void onPriceChange(PigeonEvent<ItemPrice> event) {
		ItemPrice after = event.data();
		ItemPrice before = event.old();
		if (after != null && before != null) {
			logger.info("Price of item {} ({}): {} -> {}", after.itemNo(), after.description(), before.price(),
					after.price());
		}
	}

}
