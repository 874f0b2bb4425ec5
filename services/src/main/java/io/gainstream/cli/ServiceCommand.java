package io.gainstream.cli;

import io.gainstream.services.kafka.KafkaConnection;
import io.gainstream.services.kafka.TopicSetup;
import io.gainstream.topology.PipelineConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The skeleton of the long-running commands ({@code pipeline}, {@code trainer}, {@code dashboard}),
 * written once: their options are checked and their work built before anything connects; then the
 * shutdown gate opens first (so it closes last), the cluster connection is made (joining or
 * starting the work directory's broker), the topics are ensured, and the command serves until
 * Ctrl-C. What differs between them is only {@link #configure} and {@link #serve}.
 */
abstract class ServiceCommand implements Callable<Integer> {
  @Mixin PipelineOptions pipeline;
  @Mixin KafkaOptions kafka;

  @Option(
      names = "--partitions",
      defaultValue = "4",
      description = "Partitions when the topics are created. Default: ${DEFAULT-VALUE}.")
  int partitions;

  /**
   * Checks the command's own options and prepares its work; nothing is connected yet, so a bad
   * argument is one line and exit 2 without a broker started for it.
   */
  abstract PipelineConfig configure() throws Exception;

  /**
   * Runs the service on a connection whose topics exist, until {@code gate} signals (or the work
   * ends); everything it opens it closes before returning.
   */
  abstract void serve(KafkaConnection connection, PipelineConfig config, ShutdownGate gate)
      throws Exception;

  @Override
  public final Integer call() throws Exception {
    PipelineConfig config = configure();
    try (ShutdownGate gate = new ShutdownGate()) {
      KafkaConnection connection = kafka.open();
      TopicSetup.ensure(connection, config, partitions);
      serve(connection, config, gate);
    }
    return 0;
  }
}
