package dev.cite.opensearch;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The requests of a training run ({@code --train}): an index with a mapping, a bulk load, searches with
 * query_string, a time range, sort, search_after and aggregations, a refresh, a count and a delete — over HTTP, so
 * the REST layer's classes are loaded too. The JVM then writes every class it loaded to the class-data archive the
 * next starts map instead of loading and verifying those classes again.
 */
final class Training {
  private static final String INDEX = "cite-training";

  private Training() {}

  static void run(String url) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    send(http, "PUT", url + "/" + INDEX, MAPPING);
    StringBuilder bulk = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      bulk.append("{\"index\":{}}\n")
          .append(
              String.format(
                  "{\"@timestamp\":\"2024-01-01T00:%02d:%02dZ\",\"id\":\"r-%04d\",\"app\":\"app-%d\",\"level\":\"%s\","
                      + "\"message\":\"request %d served in %d ms\"}\n",
                  i / 60, i % 60, i, i % 3, i % 5 == 0 ? "error" : "info", i, i * 7 % 300));
    }
    send(http, "POST", url + "/" + INDEX + "/_bulk?refresh=true", bulk.toString());
    send(http, "POST", url + "/" + INDEX + "/_search", SEARCH);
    send(http, "POST", url + "/" + INDEX + "/_search", SEARCH_AFTER);
    send(http, "POST", url + "/" + INDEX + "/_count", "{\"query\":{\"term\":{\"level\":\"error\"}}}");
    send(http, "GET", url + "/_cat/indices?format=json", null);
    send(http, "GET", url + "/_cluster/health?wait_for_status=yellow&timeout=30s", null);
    send(http, "DELETE", url + "/" + INDEX, null);
  }

  private static void send(HttpClient http, String method, String url, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", url.contains("_bulk") ? "application/x-ndjson" : "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() >= 300) {
      throw new IOException(method + " " + url + ": " + response.statusCode() + " " + response.body());
    }
  }

  private static final String MAPPING =
      """
      {"mappings":{"properties":{
        "@timestamp":{"type":"date"},
        "id":{"type":"keyword"},
        "app":{"type":"keyword"},
        "level":{"type":"keyword"},
        "message":{"type":"text"}}}}
      """;

  private static final String SEARCH =
      """
      {"size":20,
       "query":{"bool":{"filter":[
         {"query_string":{"query":"served AND level:info","default_field":"message"}},
         {"range":{"@timestamp":{"gte":"2024-01-01T00:00:00Z","lt":"2024-01-02T00:00:00Z"}}}]}},
       "sort":[{"@timestamp":"desc"},{"id":"asc"}],
       "aggs":{"apps":{"terms":{"field":"app","size":10}},
               "per_minute":{"date_histogram":{"field":"@timestamp","fixed_interval":"1m"}}}}
      """;

  private static final String SEARCH_AFTER =
      """
      {"size":20,"query":{"match_all":{}},
       "sort":[{"@timestamp":"desc"},{"id":"asc"}],
       "search_after":["2024-01-01T00:03:00Z","r-0100"],
       "highlight":{"fields":{"message":{}}}}
      """;
}
