package io.pigeon.sample;

import java.net.URI;
import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The REST API behind the page's form: lists, inserts, updates and deletes items.
 */
@RestController
@RequestMapping("/api/items")
public class ItemController {

	private final ItemRepository items;

	public ItemController(ItemRepository items) {
		this.items = items;
	}

	@GetMapping
	public List<Item> list() {
		return this.items.findAll();
	}

	@PostMapping
	public ResponseEntity<Item> insert(@RequestBody ItemRequest request) {
		Item item = this.items.insert(request.requiredDescription(), request.requiredPrice(), "page");
		return ResponseEntity.created(URI.create("/api/items/" + item.itemNo())).body(item);
	}

	@PutMapping("/{itemNo}")
	public Item update(@PathVariable int itemNo, @RequestBody ItemRequest request) {
		return this.items.update(itemNo, request.requiredDescription(), request.requiredPrice())
			.orElseThrow(() -> noSuchItem(itemNo));
	}

	@DeleteMapping("/{itemNo}")
	public ResponseEntity<Void> delete(@PathVariable int itemNo) {
		if (!this.items.delete(itemNo)) {
			throw noSuchItem(itemNo);
		}
		return ResponseEntity.noContent().build();
	}

	private static ResponseStatusException noSuchItem(int itemNo) {
		return new ResponseStatusException(HttpStatus.NOT_FOUND, "There is no item " + itemNo);
	}

}
