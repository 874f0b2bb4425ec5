package io.gainstream.cli;

import io.gainstream.services.kafka.TopicSetup;
import io.gainstream.services.pipeline.PipelineService;
import io.gainstream.topology.PipelineConfig;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gainstream pipeline}: runs the labelling topology until stopped. */
@Command(
    name = "pipeline",
    mixinStandardHelpOptions = true,
    description =
        "Runs the pipeline service (validate → attention → thresholds → proxy-labels) until Ctrl-C.")
final class PipelineCommand implements Callable<Integer> {
  @Mixin PipelineOptions pipeline;
  @Mixin KafkaOptions kafka;

  @Option(
      names = "--metrics-bind",
      defaultValue = "127.0.0.1",
      description =
          "Address of the Prometheus /metrics endpoint. Default: ${DEFAULT-VALUE} (this machine only).")
  String metricsBind;

  @Option(
      names = "--metrics-port",
      defaultValue = "9464",
      description =
          "Port of the /metrics endpoint (0: any free port, -1: none). Default: ${DEFAULT-VALUE}.")
  int metricsPort;

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
      names = "--partitions",
      defaultValue = "4",
      description = "Partitions when the topics are created. Default: ${DEFAULT-VALUE}.")
  int partitions;

  @Option(
      names = "--refine",
      paramLabel = "crf|none",
      description =
          "Refine the proxy labels with a dense CRF, or not (as --set gainstream.refine=...). Default: what each release names.")
  String refine;

  @Option(
      names = "--tta-scales",
      paramLabel = "S[,S...]",
      description =
          "Multi-scale fusion, as multiples of the release's input side (as --set gainstream.tta.scales=...). "
              + "Default: what each release names (1,1.5 on a backbone), otherwise 1.")
  String ttaScales;

  @Override
  public Integer call() throws Exception {
    if (ttaScales != null) {
      pipeline.sets.put(
          io.gainstream.topology.PipelineConfig.TTA_SCALES_CONFIG,
          LabelCommand.scalesOption(ttaScales));
    }
    if (refine != null) {
      pipeline.sets.put(
          io.gainstream.topology.PipelineConfig.REFINE_CONFIG, LabelCommand.refineOption(refine));
    }
    if (threads < 0) {
      throw new UserError("--threads must be >= 0");
    }
    int streamThreads = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    PipelineConfig config = pipeline.pipelineConfig();
    CountDownLatch stop = new CountDownLatch(1);
    try (ShutdownGate gate = new ShutdownGate()) {
      io.gainstream.services.kafka.KafkaConnection connection = kafka.open();
      gate.onSignal(stop::countDown);
      TopicSetup.ensure(connection, config, partitions, (short) 1);
      try (PipelineService service =
              new PipelineService(
                      connection,
                      config,
                      new PipelineService.Options(
                          applicationId, kafka.workDir.resolve("state"), streamThreads))
                  .start(Duration.ofMinutes(2));
          MetricsEndpoint metrics =
              MetricsEndpoint.open(metricsBind, metricsPort, service::prometheus)) {
        System.out.println(
            "pipeline running on "
                + connection.bootstrapServers()
                + metrics.describe()
                + "; Ctrl-C stops it");
        stop.await();
      }
    }
    return 0;
  }
}
