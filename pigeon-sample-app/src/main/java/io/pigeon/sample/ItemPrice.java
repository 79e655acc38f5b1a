package io.pigeon.sample;

import java.math.BigDecimal;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The columns that the {@code items_price_notify} trigger sends to the {@code item_prices}
 * channel, bound from the payload by Pigeon.
 *
 * @param itemNo the item's number
 * @param description what the item is
 * @param price the item's price
 */
public record ItemPrice(@JsonProperty("item_no") int itemNo, @JsonProperty("item_description") String description,
		BigDecimal price) {

}
