package io.gainstream.services.dashboard;

import io.gainstream.services.http.HttpEndpoint;
import io.gainstream.services.http.Prometheus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The dashboard's HTTP side: the page ({@code /}), its data ({@code /api/state}, polled every two
 * seconds by the page) and Prometheus metrics ({@code /metrics}). The page is one static file with
 * inline script and SVG charts; it loads nothing from anywhere else.
 */
public final class DashboardServer implements AutoCloseable {
  private final HttpEndpoint endpoint;

  private DashboardServer(HttpEndpoint endpoint) {
    this.endpoint = endpoint;
  }

  public static DashboardServer start(String bind, int port, DashboardState state) {
    byte[] page = resource("/dashboard/index.html");
    Map<String, Supplier<HttpEndpoint.Body>> routes =
        Map.of(
            "/", () -> new HttpEndpoint.Body("text/html; charset=utf-8", page),
            "/api/state",
                () ->
                    new HttpEndpoint.Body(
                        "application/json",
                        state.json(System.currentTimeMillis()).getBytes(StandardCharsets.UTF_8)),
            "/metrics",
                () ->
                    new Prometheus()
                        .counter(
                            "gainstream_dashboard_labels_seen_total",
                            "Proxy labels the dashboard has read.",
                            state.labels())
                        .counter(
                            "gainstream_dashboard_dead_letters_seen_total",
                            "Dead letters the dashboard has read.",
                            state.deadLetters())
                        .gauge(
                            "gainstream_dashboard_releases",
                            "Model releases known.",
                            state.releases())
                        .body());
    return new DashboardServer(HttpEndpoint.start(bind, port, routes));
  }

  private static byte[] resource(String name) {
    try (InputStream in = DashboardServer.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return endpoint.port();
  }

  public String url() {
    return "http://" + endpoint.host() + ":" + endpoint.port() + "/";
  }

  @Override
  public void close() {
    endpoint.close();
  }
}
