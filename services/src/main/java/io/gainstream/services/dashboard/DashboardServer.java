package io.gainstream.services.dashboard;

import io.gainstream.services.http.HttpEndpoint;
import io.gainstream.services.http.Meters;
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
  private final Meters meters;

  private DashboardServer(HttpEndpoint endpoint, Meters meters) {
    this.endpoint = endpoint;
    this.meters = meters;
  }

  public static DashboardServer start(String bind, int port, DashboardState state) {
    byte[] page = resource("/dashboard/index.html");
    Meters meters =
        new Meters()
            .counter(
                "gainstream.dashboard.labels.seen",
                "Proxy labels the dashboard has read.",
                state::labels)
            .counter(
                "gainstream.dashboard.dead.letters.seen",
                "Dead letters the dashboard has read.",
                state::deadLetters)
            .gauge("gainstream.dashboard.releases", "Model releases known.", state::releases)
            .gauge(
                "gainstream.dashboard.labelled.images",
                "Images with a proxy label.",
                () -> state.freshness().images())
            .gauge(
                "gainstream.dashboard.labels.on.newest.release.ratio",
                "Share of the labelled images whose newest label is the newest release's.",
                () -> state.freshness().share())
            .gauge(
                "gainstream.dashboard.labels.behind.newest.release",
                "Labelled images whose newest label comes from an older release.",
                () -> state.freshness().behind());
    Map<String, Supplier<HttpEndpoint.Body>> routes =
        Map.of(
            "/",
            () -> new HttpEndpoint.Body("text/html; charset=utf-8", page),
            "/api/state",
            () ->
                new HttpEndpoint.Body(
                    "application/json",
                    state.json(System.currentTimeMillis()).getBytes(StandardCharsets.UTF_8)),
            "/metrics",
            meters::scrape);
    return new DashboardServer(HttpEndpoint.start(bind, port, routes), meters);
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
    meters.close();
  }
}
