package io.gainstream.cli;

import io.gainstream.model.net.NetworkSpec;
import io.gainstream.model.synthetic.SyntheticDataset;
import io.gainstream.model.train.Method;
import io.gainstream.services.io.LabelledFolder;
import io.gainstream.services.label.Evaluation;
import io.gainstream.services.label.LabelJob;
import io.gainstream.services.view.ReportWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gainstream demo}: the synthetic set end to end through Kafka. It writes a labelled folder
 * (images, labels.csv, classes.txt, exact masks), runs the same job as {@code label} on an embedded
 * broker, and scores the proxy labels against the exact masks.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Generates a synthetic labelled set, runs 'label' on it end to end (embedded Kafka), and scores the labels.")
final class DemoCommand implements Callable<Integer> {
  @Option(
      names = "--out",
      defaultValue = "gainstream-demo",
      description = "Output folder. Default: ${DEFAULT-VALUE}.")
  Path out;

  @Option(
      names = "--method",
      defaultValue = "gain",
      description =
          "cam, gain, gain-ext, abn or seenet (docs/QUALITY.md compares them). Default: ${DEFAULT-VALUE}.")
  String method;

  @Option(
      names = "--images",
      defaultValue = "400",
      description = "Images in the synthetic set. Default: ${DEFAULT-VALUE}.")
  int images;

  @Option(
      names = "--size",
      defaultValue = "96",
      description = "Image side in pixels. Default: ${DEFAULT-VALUE}.")
  int size;

  @Option(
      names = "--train-steps",
      defaultValue = "1500",
      description = "Training steps. Default: ${DEFAULT-VALUE}.")
  int trainSteps;

  @Option(
      names = "--pixel-labels",
      defaultValue = "0.05",
      description = "Share of images given pixel labels for gain-ext. Default: ${DEFAULT-VALUE}.")
  double pixelShare;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Seed of data and training. Default: ${DEFAULT-VALUE}.")
  long seed;

  @CommandLine.Mixin ValidationOptions validation;

  @Override
  public Integer call() throws Exception {
    Method m = Method.fromId(method);
    if (images < 1 || trainSteps < 1 || size < 32) {
      throw new UserError("--images and --train-steps must be >= 1 and --size >= 32");
    }
    Logs.toFile(out);
    Path input = out.resolve("input");
    List<String> classes = SyntheticDataset.classNames(4);
    Map<String, byte[]> truth = writeSet(input, classes, m == Method.GAIN_EXT);
    LabelJob.Outcome o =
        LabelJob.run(
            new LabelJob.Request(
                input.resolve("images"),
                input.resolve("labels.csv"),
                input.resolve("classes.txt"),
                out,
                m == Method.GAIN_EXT ? input.resolve("masks") : null,
                m,
                trainSteps,
                seed,
                null,
                null,
                null,
                true,
                validation.guarding(),
                null,
                NetworkSpec.defaults(1).inputSize(),
                NetworkSpec.defaults(1).inputSize()),
            Bars::bar);
    LabelCommand.requireRelease(o);
    Evaluation.Score s = Evaluation.score(out.resolve("SegmentationClass"), truth, classes.size());
    ReportWriter.Table quality =
        new ReportWriter.Table(
            List.of(
                "method",
                "images",
                "steps",
                "mIoU",
                "foreground mIoU",
                "ignored pixels",
                "model version"),
            List.of(
                List.of(
                    m.id(),
                    Integer.toString(s.scored()),
                    Integer.toString(trainSteps),
                    String.format(Locale.ROOT, "%.3f", s.matrix().meanIou()),
                    String.format(Locale.ROOT, "%.3f", s.matrix().foregroundMeanIou()),
                    String.format(Locale.ROOT, "%.1f %%", 100 * s.matrix().ignoredShare()),
                    Long.toString(o.modelVersion()))));
    String table = quality.markdown();
    Files.writeString(out.resolve("quality.md"), table, StandardCharsets.UTF_8);
    Path report = ReportWriter.html(out, "gainstream demo: " + m.id(), quality);
    System.out.println();
    System.out.print(table);
    System.out.printf(
        "%nlabels in %s (VOC layout; COCO in %s), rejected inputs in %s, report in %s%n",
        out.resolve("SegmentationClass"),
        out.resolve("annotations.json"),
        out.resolve("dead-letters.jsonl"),
        report);
    System.out.println(LabelCommand.releaseLine(o));
    return 0;
  }

  private Map<String, byte[]> writeSet(Path input, List<String> classes, boolean masks)
      throws IOException {
    List<SyntheticDataset.Sample> samples =
        SyntheticDataset.generate(
            new SyntheticDataset.Spec(classes.size(), size, images, 0.35, false, 0.9, seed));
    int withMask = (int) Math.round(pixelShare * samples.size());
    Set<String> few = new HashSet<>();
    if (masks) {
      samples.subList(0, withMask).forEach(x -> few.add(x.id()));
    }
    return LabelledFolder.write(input, classes, samples, x -> few.contains(x.id())).truth();
  }
}
