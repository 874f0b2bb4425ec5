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
    Prometheus p =
        new Prometheus()
            .counter("gainstream_labels_total", "Labels.", 42)
            .labelled(
                "gainstream_dead_letters_total",
                "counter",
                "Dead letters.",
                "reason",
                Map.of("UNKNOWN_CLASS", 3L))
            .gauge("gainstream_trainer_loss", "Loss.", 0.25);
    try (HttpEndpoint e =
        HttpEndpoint.start(HttpEndpoint.LOCALHOST, 0, Map.of("/metrics", p::body))) {
      assertThat(e.host()).isEqualTo("127.0.0.1");
      String base = "http://127.0.0.1:" + e.port();
      HttpResponse<String> ok = send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build());
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.headers().firstValue("Content-Type")).hasValue(Prometheus.CONTENT_TYPE);
      assertThat(ok.body())
          .contains("# TYPE gainstream_labels_total counter\ngainstream_labels_total 42\n")
          .contains("gainstream_dead_letters_total{reason=\"UNKNOWN_CLASS\"} 3\n")
          .contains("gainstream_trainer_loss 0.250000\n");
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
