package io.pigeon.sample;

import java.math.BigDecimal;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * The body of a request that inserts or updates an item.
 *
 * @param description what the item is
 * @param price the item's price
 */
public record ItemRequest(@Nullable String description, @Nullable BigDecimal price) {

	/**
	 * Return the description, rejecting a missing or blank one.
	 * @return the description
	 */
	String requiredDescription() {
		if (this.description == null || this.description.isBlank()) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "Enter a description");
		}
		return this.description;
	}

	/**
	 * Return the price, rejecting a missing or negative one.
	 * @return the price
	 */
	BigDecimal requiredPrice() {
		if (this.price == null || this.price.signum() < 0) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "Enter a price of 0 or more");
		}
		return this.price;
	}

}
