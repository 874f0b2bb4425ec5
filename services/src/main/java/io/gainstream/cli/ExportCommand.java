package io.gainstream.cli;

import io.gainstream.model.input.ClassCatalog;
import io.gainstream.services.io.LabelExporter;
import io.gainstream.services.io.Manifest;
import io.gainstream.services.kafka.KafkaConnection;
import io.gainstream.topology.PipelineConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gainstream export}: the proxy-labels topic → a folder of VOC label PNGs. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description =
        "Writes the newest proxy label of every image (and the dead letters) to a folder.")
final class ExportCommand implements Callable<Integer> {
  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
  Path out;

  @Option(
      names = "--classes",
      required = true,
      paramLabel = "FILE",
      description = "Class names, written to OUT/classes.txt.")
  Path classes;

  @Mixin KafkaOptions kafka;

  @Override
  public Integer call() throws Exception {
    LabelCommand.requireFile(classes, "--classes");
    List<String> names = ClassCatalog.read(classes).names();
    PipelineConfig defaults =
        new PipelineConfig(Map.of(PipelineConfig.CLASSES_CONFIG, String.join(",", names)));
    Files.createDirectories(out);
    LabelExporter.Collected c = collect(kafka.open(), defaults);
    int n = LabelExporter.write(c, out, names, Map.of(), List.of(), null);
    System.out.printf(
        "exported %d labels to %s (VOC layout), %s (COCO), %s (which release labelled each) and %s%n",
        n,
        out,
        out.resolve("annotations.json"),
        out.resolve(Manifest.FILE),
        out.resolve("report.html"));
    return 0;
  }

  private static LabelExporter.Collected collect(
      KafkaConnection connection, PipelineConfig topics) {
    ProgressBar[] bar = new ProgressBar[1];
    try {
      return LabelExporter.collect(
          connection,
          topics.proxyLabelsTopic(),
          topics.deadLettersTopic(),
          null,
          0,
          0,
          Duration.ofMinutes(10),
          n -> bar[0].stepBy(n),
          total -> bar[0] = Bars.bar("read labels", total),
          LabelExporter.Watch.NONE);
    } finally {
      if (bar[0] != null) {
        bar[0].close();
      }
    }
  }
}
