package io.pigeon.sample;

import java.math.BigDecimal;
import java.time.OffsetDateTime;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonRawValue;

/**
 * A row of the {@code items} table, as the REST API returns it. Its JSON uses the column names,
 * like the payloads of Pigeon's notifications, so the page reads both the same way.
 *
 * @param itemNo the item's number
 * @param description what the item is
 * @param price the item's price
 * @param updatedAt when the item was last written
 * @param attributes the item's {@code jsonb} attributes, as JSON text
 */
public record Item(@JsonProperty("item_no") int itemNo, @JsonProperty("item_description") String description,
		BigDecimal price, @JsonProperty("updated_at") OffsetDateTime updatedAt, @JsonRawValue String attributes) {

}
