package io.gainstream.cli;

import io.gainstream.model.infer.MaskSessions;
import io.gainstream.services.kafka.KafkaConnection;
import io.gainstream.services.pipeline.PipelineService;
import io.gainstream.topology.PipelineConfig;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gainstream pipeline}: runs the labelling topology until stopped. */
@Command(
    name = "pipeline",
    mixinStandardHelpOptions = true,
    description =
        "Runs the pipeline service (validate → attention → thresholds → proxy-labels) until Ctrl-C.")
final class PipelineCommand extends ServiceCommand {
  @Mixin MetricsOptions metrics = new MetricsOptions(9464);

  @Option(
      names = "--application-id",
      defaultValue = "gainstream-pipeline",
      description = "Kafka Streams application id. Default: ${DEFAULT-VALUE}.")
  String applicationId;

  @Option(
      names = "--threads",
      defaultValue = "0",
      description = "Stream threads (0: one per core). Default: ${DEFAULT-VALUE}.")
  int threads;

  @Option(
      names = "--refine",
      paramLabel = "crf|walk|none",
      description =
          "Refine the proxy labels with a dense CRF or a random walk, or not (as --set gainstream.refine=...). Default: what "
              + "each release names.")
  String refine;

  @Option(
      names = "--tta-scales",
      paramLabel = "S[,S...]",
      description =
          "Multi-scale fusion, as multiples of the release's input side (as --set gainstream.tta.scales=...). "
              + "Default: what each release names (1,1.5 on a backbone), otherwise 1.")
  String ttaScales;

  private int streamThreads;

  @Override
  PipelineConfig configure() {
    if (ttaScales != null) {
      pipeline.sets.put(PipelineConfig.TTA_SCALES_CONFIG, LabelCommand.scalesOption(ttaScales));
    }
    if (refine != null) {
      pipeline.sets.put(PipelineConfig.REFINE_CONFIG, LabelCommand.refineOption(refine));
    }
    if (threads < 0) {
      throw new UserError("--threads must be >= 0");
    }
    streamThreads = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    return pipeline.pipelineConfig();
  }

  @Override
  void serve(KafkaConnection connection, PipelineConfig config, ShutdownGate gate)
      throws Exception {
    try (MaskSessions.Handle mask = MaskOptions.open(config);
        PipelineService service =
            new PipelineService(
                    connection,
                    config,
                    new PipelineService.Options(
                        applicationId, kafka.workDir.resolve("state"), streamThreads))
                .start(Duration.ofMinutes(2));
        MetricsEndpoint endpoint = metrics.open(service::prometheus)) {
      System.out.println(
          "pipeline running on "
              + connection.bootstrapServers()
              + endpoint.describe()
              + "; Ctrl-C stops it");
      gate.awaitSignal();
    }
  }
}
