package io.gainstream.services.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpEndpointTest {
  private final HttpClient client = HttpClient.newHttpClient();

  private HttpResponse<String> send(HttpRequest r) throws Exception {
    return client.send(r, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldServeMetricsOnLocalhostOnlyAndRefuseEverythingElse() throws Exception {
    try (Meters p =
            new Meters()
                .counter("gainstream.labels", "Labels.", () -> 42)
                .counter(
                    "gainstream.dead.letters", "Dead letters.", () -> 3, "reason", "UNKNOWN_CLASS")
                .gauge("gainstream.trainer.loss", "Loss.", () -> 0.25);
        HttpEndpoint e =
            HttpEndpoint.start(HttpEndpoint.LOCALHOST, 0, Map.of("/metrics", p::scrape))) {
      assertThat(e.host()).isEqualTo("127.0.0.1");
      String base = "http://127.0.0.1:" + e.port();
      HttpResponse<String> ok = send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build());
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.headers().firstValue("Content-Type")).hasValue(Meters.CONTENT_TYPE);
      assertThat(ok.body())
          .contains("# TYPE gainstream_labels_total counter\ngainstream_labels_total 42.0\n")
          .contains("gainstream_dead_letters_total{reason=\"UNKNOWN_CLASS\"} 3.0\n")
          .contains("gainstream_trainer_loss 0.25\n")
          .as("the JVM's binders")
          .contains("jvm_memory_used_bytes{");
      assertThat(send(HttpRequest.newBuilder(URI.create(base + "/secrets")).build()).statusCode())
          .isEqualTo(404);
      assertThat(
              send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                      .POST(HttpRequest.BodyPublishers.ofString("x", StandardCharsets.UTF_8))
                      .build())
                  .statusCode())
          .isEqualTo(405);
    }
  }
}
