package io.pigeon.sample;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Reads and writes the {@code items} table. Nothing here knows about Pigeon: every write reaches
 * the listeners through the table's triggers, exactly like a write made from {@code psql}.
 */
@Repository
public class ItemRepository {

	private final JdbcTemplate jdbcTemplate;

	public ItemRepository(JdbcTemplate jdbcTemplate) {
		this.jdbcTemplate = jdbcTemplate;
	}

	/**
	 * Return every item, in the order of their numbers.
	 * @return the items
	 */
	public List<Item> findAll() {
		return this.jdbcTemplate.query("""
				SELECT item_no, item_description, price, updated_at, attributes
				FROM items
				ORDER BY item_no""", ItemRepository::item);
	}

	/**
	 * Insert an item.
	 * @param description what the item is
	 * @param price its price
	 * @param source what added it, recorded in its attributes
	 * @return the inserted item
	 */
	public Item insert(String description, BigDecimal price, String source) {
		return this.jdbcTemplate.queryForObject("""
				INSERT INTO items (item_description, price, attributes)
				VALUES (?, ?, jsonb_build_object('source', ?::text))
				RETURNING item_no, item_description, price, updated_at, attributes""", ItemRepository::item,
				description, price, source);
	}

	/**
	 * Update an item's description and price.
	 * @param itemNo the item's number
	 * @param description what the item is
	 * @param price its price
	 * @return the updated item, or empty when there is no such item
	 */
	public Optional<Item> update(int itemNo, String description, BigDecimal price) {
		return this.jdbcTemplate.query("""
				UPDATE items SET item_description = ?, price = ?, updated_at = now()
				WHERE item_no = ?
				RETURNING item_no, item_description, price, updated_at, attributes""", ItemRepository::item,
				description, price, itemNo)
			.stream()
			.findFirst();
	}

	/**
	 * Delete an item.
	 * @param itemNo the item's number
	 * @return whether there was such an item
	 */
	public boolean delete(int itemNo) {
		return this.jdbcTemplate.update("DELETE FROM items WHERE item_no = ?", itemNo) > 0;
	}

	private static Item item(ResultSet resultSet, int rowNumber) throws SQLException {
		return new Item(resultSet.getInt("item_no"), resultSet.getString("item_description"),
				resultSet.getBigDecimal("price"), resultSet.getObject("updated_at", OffsetDateTime.class),
				resultSet.getString("attributes"));
	}

}
