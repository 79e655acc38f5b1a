package io.pigeon.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.pigeon.PigeonAction;
import io.pigeon.PigeonEvent;
import io.pigeon.testing.PigeonEvents;
import io.pigeon.testing.PigeonTestChanges;
import io.pigeon.testing.RecordedChange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Starts the sample application against the test database and follows writes made through its
 * REST API and from outside it (as {@code psql} would) to the listeners, through Pigeon's test
 * kit ({@link PigeonEvents}), to their log lines and to the page's event stream.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@Import(SampleTestSchema.class)
@ExtendWith(OutputCaptureExtension.class)
class PigeonSampleApplicationIntegrationTests {

	private static final Duration DELIVERY = Duration.ofSeconds(10);

	private static final JsonMapper jsonMapper = JsonMapper.builder().build();

	private final HttpClient httpClient = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Autowired
	private SampleTestSchema schema;

	@Autowired
	private JdbcTemplate jdbcTemplate;

	@Autowired
	private PigeonEvents pigeonEvents;

	@Test
	void insertThroughTheApiReachesTheListenerAndThePage(CapturedOutput output) throws Exception {
		String description = unique("Bird seed");
		try (ChangeStream stream = ChangeStream.open(this.port)) {
			HttpResponse<String> response = send("POST", "/api/items",
					"{\"description\": \"" + description + "\", \"price\": 4.25}");
			assertThat(response.statusCode()).isEqualTo(201);
			int itemNo = jsonMapper.readTree(response.body()).get("item_no").asInt();
			PigeonEvent<Map<String, Object>> inserted = this.pigeonEvents.await()
				.channel("items")
				.table(this.schema.getName(), "items")
				.action(PigeonAction.INSERT)
				.listener("itemChangeLogger.onChange")
				.matching((event) -> event.data().get("item_no").equals(itemNo))
				.within(DELIVERY);
			assertThat(inserted.data()).containsEntry("item_description", description);
			// Recorded once the listener method returned: its line is logged by then.
			assertThat(output.getOut()).contains("INSERT on " + this.schema.getName() + ".items: {item_no=" + itemNo
					+ ", item_description=" + description + ", price=4.25");
			await().atMost(DELIVERY)
				.untilAsserted(() -> assertThat(stream.changes()).anySatisfy((change) -> {
					assertThat(change.get("channel").asString()).isEqualTo("items");
					assertThat(change.get("action").asString()).isEqualTo("INSERT");
					assertThat(change.get("schema").asString()).isEqualTo(this.schema.getName());
					assertThat(change.get("table").asString()).isEqualTo("items");
					assertThat(change.get("data").get("item_no").asInt()).isEqualTo(itemNo);
					assertThat(change.get("data").get("item_description").asString()).isEqualTo(description);
					assertThat(change.get("data").get("attributes").get("source").asString()).isEqualTo("page");
				}));
		}
	}

	@Test
	void priceChangeFromOutsideTheApplicationArrivesWithTheOldPrice(CapturedOutput output) throws Exception {
		String description = unique("Cuttlefish bone");
		try (ChangeStream stream = ChangeStream.open(this.port)) {
			Integer itemNo = this.jdbcTemplate.queryForObject(
					"INSERT INTO items (item_description, price) VALUES (?, 4.25) RETURNING item_no", Integer.class,
					description);
			this.jdbcTemplate.update("UPDATE items SET price = 5.75 WHERE item_no = ?", itemNo);
			PigeonEvent<Map<String, Object>> repriced = this.pigeonEvents.await()
				.channel("item_prices")
				.table(this.schema.getName(), "items")
				.action(PigeonAction.UPDATE)
				.listener("priceChangeLogger.onPriceChange")
				.matching((event) -> event.data().get("item_no").equals(itemNo))
				.within(DELIVERY);
			assertThat(repriced.data()).containsEntry("item_description", description);
			assertThat(repriced.old()).containsEntry("item_no", itemNo);
			assertThat(output.getOut()).contains("Price of item " + itemNo + " (" + description + "): 4.25 -> 5.75");
			await().atMost(DELIVERY)
				.untilAsserted(() -> assertThat(stream.changes()).anySatisfy((change) -> {
					assertThat(change.get("channel").asString()).isEqualTo("item_prices");
					assertThat(change.get("action").asString()).isEqualTo("UPDATE");
					assertThat(change.get("data").get("item_description").asString()).isEqualTo(description);
					assertThat(change.get("old").get("price").decimalValue()).isEqualByComparingTo("4.25");
					assertThat(change.get("data").get("price").decimalValue()).isEqualByComparingTo("5.75");
					// The trigger sends only its configured columns.
					assertThat(change.get("data").propertyNames()).containsExactly("item_no", "item_description",
							"price");
				}));
		}
	}

	@Test
	void deleteThroughTheApiReachesThePageWithTheDeletedRow() throws Exception {
		String description = unique("Perch");
		try (ChangeStream stream = ChangeStream.open(this.port)) {
			HttpResponse<String> inserted = send("POST", "/api/items",
					"{\"description\": \"" + description + "\", \"price\": 12}");
			int itemNo = jsonMapper.readTree(inserted.body()).get("item_no").asInt();
			assertThat(send("DELETE", "/api/items/" + itemNo, null).statusCode()).isEqualTo(204);
			PigeonEvent<Map<String, Object>> deleted = this.pigeonEvents.await()
				.channel("items")
				.table(this.schema.getName(), "items")
				.action(PigeonAction.DELETE)
				.listener("itemChangeLogger.onChange")
				.matching((event) -> event.data().get("item_no").equals(itemNo))
				.within(DELIVERY);
			assertThat(deleted.data()).containsEntry("item_description", description);
			await().atMost(DELIVERY)
				.untilAsserted(() -> assertThat(stream.changes()).anySatisfy((change) -> {
					assertThat(change.get("action").asString()).isEqualTo("DELETE");
					assertThat(change.get("data").get("item_no").asInt()).isEqualTo(itemNo);
					assertThat(change.get("data").get("item_description").asString()).isEqualTo(description);
				}));
		}
		assertThat(this.jdbcTemplate.queryForObject("SELECT count(*) FROM items WHERE item_description = ?",
				Integer.class, description))
			.isZero();
	}

	@Test
	void invalidRequestsAreRefusedWithTheirReason() throws Exception {
		HttpResponse<String> noDescription = send("POST", "/api/items", "{\"description\": \" \", \"price\": 1}");
		assertThat(noDescription.statusCode()).isEqualTo(400);
		assertThat(jsonMapper.readTree(noDescription.body()).get("detail").asString()).isEqualTo("Enter a description");
		HttpResponse<String> negativePrice = send("POST", "/api/items", "{\"description\": \"x\", \"price\": -1}");
		assertThat(negativePrice.statusCode()).isEqualTo(400);
		assertThat(jsonMapper.readTree(negativePrice.body()).get("detail").asString())
			.isEqualTo("Enter a price of 0 or more");
		HttpResponse<String> missing = send("PUT", "/api/items/2147483647", "{\"description\": \"x\", \"price\": 1}");
		assertThat(missing.statusCode()).isEqualTo(404);
		assertThat(jsonMapper.readTree(missing.body()).get("detail").asString()).isEqualTo("There is no item 2147483647");
		assertThat(send("DELETE", "/api/items/2147483647", null).statusCode()).isEqualTo(404);
	}

	@Test
	void priceListenerLogsASyntheticPriceChangeWithoutTheDatabase(CapturedOutput output) {
		RecordedChange change = this.pigeonEvents.deliver(PigeonTestChanges.update("item_prices")
			.schema(this.schema.getName())
			.table("items")
			.data(new ItemPrice(-1, "Synthetic millet", new BigDecimal("2.50")))
			.old(new ItemPrice(-1, "Synthetic millet", new BigDecimal("1.25"))));
		// Every listener of the channel receives it, the page's broadcaster too.
		assertThat(change.listeners()).containsExactlyInAnyOrder("priceChangeLogger.onPriceChange",
				"liveChangeBroadcaster.onChange");
		assertThat(change.failures()).isEmpty();
		// Delivered on this thread: the listener has logged by the time deliver returns.
		assertThat(output.getOut()).contains("Price of item -1 (Synthetic millet): 1.25 -> 2.50");
	}

	@Test
	void pageIsServedAtTheRoot() throws Exception {
		HttpResponse<String> page = send("GET", "/", null);
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("<form id=\"item-form\"").contains("<script src=\"app.js\">");
		assertThat(send("GET", "/app.js", null).body()).contains("new EventSource('/api/changes')");
	}

	private HttpResponse<String> send(String method, String path, String body) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.method(method, (body != null) ? BodyPublishers.ofString(body) : BodyPublishers.noBody())
			.header("Content-Type", "application/json")
			.timeout(Duration.ofSeconds(10))
			.build();
		return this.httpClient.send(request, BodyHandlers.ofString());
	}

	private static String unique(String description) {
		return description + " " + UUID.randomUUID();
	}

}
