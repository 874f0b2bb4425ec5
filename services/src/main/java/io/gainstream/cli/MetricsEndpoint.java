package io.gainstream.cli;

import io.gainstream.services.http.HttpEndpoint;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.function.Supplier;

/** The optional {@code /metrics} endpoint of a service command. */
final class MetricsEndpoint implements AutoCloseable {
  private final HttpEndpoint endpoint;

  private MetricsEndpoint(HttpEndpoint endpoint) {
    this.endpoint = endpoint;
  }

  /**
   * @param port −1 for none, 0 for any free port
   */
  static MetricsEndpoint open(String bind, int port, Supplier<HttpEndpoint.Body> metrics) {
    if (port < -1 || port > 65535) {
      throw new UserError(
          "--metrics-port must be -1 (none), 0 (any free port) or a port number, got " + port);
    }
    if (port == -1) {
      return new MetricsEndpoint(null);
    }
    try {
      return new MetricsEndpoint(HttpEndpoint.start(bind, port, Map.of("/metrics", metrics)));
    } catch (UncheckedIOException e) {
      throw new UserError(
          "metrics endpoint: "
              + e.getMessage()
              + " (choose another --metrics-port, or -1 for none)");
    }
  }

  String describe() {
    return endpoint == null
        ? ""
        : ", metrics on http://" + endpoint.host() + ":" + endpoint.port() + "/metrics";
  }

  @Override
  public void close() {
    if (endpoint != null) {
      endpoint.close();
    }
  }
}
