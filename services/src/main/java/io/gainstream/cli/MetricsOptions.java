package io.gainstream.cli;

import io.gainstream.services.http.HttpEndpoint;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/**
 * The {@code --metrics-bind} and {@code --metrics-port} options of a service command. Each command
 * has its own default port, so that a pipeline and a trainer on one machine do not collide.
 */
final class MetricsOptions {
  @Option(
      names = "--metrics-bind",
      defaultValue = "127.0.0.1",
      description =
          "Address of the Prometheus /metrics endpoint. Default: ${DEFAULT-VALUE} (this machine only).")
  String bind;

  @Option(
      names = "--metrics-port",
      description =
          "Port of the /metrics endpoint (0: any free port, -1: none). Default: ${DEFAULT-VALUE}.")
  int port;

  MetricsOptions(int defaultPort) {
    this.port = defaultPort;
  }

  /** Serves {@code metrics} on the chosen address, or nothing for port −1. */
  MetricsEndpoint open(Supplier<HttpEndpoint.Body> metrics) {
    return MetricsEndpoint.open(bind, port, metrics);
  }
}
