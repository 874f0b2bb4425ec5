package io.gainstream.cli;

import io.gainstream.services.dashboard.DashboardFeed;
import io.gainstream.services.dashboard.DashboardServer;
import io.gainstream.services.dashboard.DashboardState;
import io.gainstream.services.kafka.KafkaConnection;
import io.gainstream.topology.PipelineConfig;
import java.io.UncheckedIOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gainstream dashboard}: the live dashboard, fed from the topics. */
@Command(
    name = "dashboard",
    mixinStandardHelpOptions = true,
    description =
        "Serves the live dashboard (newest labels with attention overlays, releases, throughput, dead letters) until Ctrl-C.")
final class DashboardCommand extends ServiceCommand {
  @Option(
      names = "--bind",
      defaultValue = "127.0.0.1",
      description = "Address to listen on. Default: ${DEFAULT-VALUE} (this machine only).")
  String bind;

  @Option(
      names = "--port",
      defaultValue = "8080",
      description = "Port (0: any free one). Default: ${DEFAULT-VALUE}.")
  int port;

  @Override
  PipelineConfig configure() {
    if (port < 0 || port > 65535) {
      throw new UserError("--port must be in [0, 65535], got " + port);
    }
    return pipeline.pipelineConfig();
  }

  @Override
  void serve(KafkaConnection connection, PipelineConfig config, ShutdownGate gate)
      throws Exception {
    DashboardState state = new DashboardState(config.classes().names());
    DashboardServer server;
    try {
      server = DashboardServer.start(bind, port, state);
    } catch (UncheckedIOException e) {
      throw new UserError("dashboard: " + e.getMessage());
    }
    try (server;
        DashboardFeed feed = new DashboardFeed(connection, config, state).start()) {
      System.out.println(
          "dashboard on "
              + server.url()
              + " (Kafka "
              + connection.bootstrapServers()
              + "); Ctrl-C stops it");
      gate.awaitSignal();
    }
  }
}
