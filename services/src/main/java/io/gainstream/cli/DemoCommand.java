package io.gainstream.cli;

import io.gainstream.model.image.Tensors;
import io.gainstream.model.infer.AttentionSession;
import io.gainstream.model.infer.BatchAttention;
import io.gainstream.model.infer.InferenceOptions;
import io.gainstream.model.labels.ConfusionMatrix;
import io.gainstream.model.labels.ImageLabeler;
import io.gainstream.model.labels.LabelPng;
import io.gainstream.model.net.NetworkSpec;
import io.gainstream.model.onnx.ModelInfo;
import io.gainstream.model.onnx.OnnxExporter;
import io.gainstream.model.synthetic.SyntheticDataset;
import io.gainstream.model.train.Batches;
import io.gainstream.model.train.Example;
import io.gainstream.model.train.GainSettings;
import io.gainstream.model.train.GainTrainer;
import io.gainstream.model.train.Method;
import io.gainstream.model.train.StepResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gainstream demo}: the synthetic set end to end — generate, train, export to ONNX, label
 * held-out images with ONNX Runtime, write VOC-style labels, and score them against the exact
 * masks.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Runs the synthetic set end to end and writes its output folder.")
final class DemoCommand implements Runnable {
  @Option(names = "--out", defaultValue = "gainstream-demo", description = "Output folder. Default: ${DEFAULT-VALUE}.")
  Path out;

  @Option(names = "--method", defaultValue = "gain", description = "cam, gain or gain-ext. Default: ${DEFAULT-VALUE}.")
  String method;

  @Option(names = "--train-steps", defaultValue = "800", description = "Training steps. Default: ${DEFAULT-VALUE}.")
  int trainSteps;

  @Option(names = "--images", defaultValue = "200", description = "Held-out images to label. Default: ${DEFAULT-VALUE}.")
  int images;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of data and training. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Override
  public void run() {
    Method m = Method.fromId(method);
    if (trainSteps < 1 || images < 1) {
      throw new UserError("--train-steps and --images must be >= 1");
    }
    NetworkSpec spec = NetworkSpec.defaults(4);
    int s = spec.inputSize();
    List<String> classes = SyntheticDataset.classNames(4);
    List<Example> train =
        Batches.fromSynthetic(SyntheticDataset.generate(SyntheticDataset.Spec.of(800, seed)), s, m == Method.GAIN_EXT ? 40 : 0);
    List<SyntheticDataset.Sample> test = SyntheticDataset.generate(SyntheticDataset.Spec.of(images, seed + 1));

    byte[] onnx;
    GainSettings settings = GainSettings.defaults(m).withSeed(seed);
    try (GainTrainer trainer = new GainTrainer(spec, settings);
        ProgressBar bar = bar("train " + m.id(), trainSteps)) {
      Random rnd = new Random(seed);
      StepResult last = null;
      for (int i = 0; i < trainSteps; i++) {
        last = trainer.step(Batches.sample(train, settings.batchSize(), 4, s, m == Method.GAIN_EXT, rnd));
        bar.step();
        bar.setExtraMessage(String.format(" loss %.3f acc %.2f%s", last.total(), last.accuracy(), last.miningActive() ? " am" : ""));
      }
      onnx = OnnxExporter.export(trainer.network(),
          new ModelInfo(spec, classes, m.id(), 1, trainer.steps(), trainer.miningActive(),
              Map.of("loss", Float.toString(last.total()))));
    }

    ConfusionMatrix cm = new ConfusionMatrix(4);
    ImageLabeler labeler = new ImageLabeler(ImageLabeler.Settings.defaults());
    try {
      Files.createDirectories(out.resolve("JPEGImages"));
      Files.createDirectories(out.resolve("SegmentationClass"));
      Files.write(out.resolve("model.onnx"), onnx);
      Files.writeString(out.resolve("classes.txt"), String.join("\n", classes) + "\n");
      try (AttentionSession session = new AttentionSession(onnx, InferenceOptions.cpu());
          ProgressBar bar = bar("label", test.size())) {
        for (int from = 0; from < test.size(); from += 32) {
          List<SyntheticDataset.Sample> chunk = test.subList(from, Math.min(test.size(), from + 32));
          int n = chunk.size();
          float[] batch = new float[n * 3 * s * s];
          int[][] cls = new int[n][];
          for (int i = 0; i < n; i++) {
            Tensors.toChw(chunk.get(i).image(), s, batch, i * 3 * s * s);
            cls[i] = chunk.get(i).classes();
          }
          BatchAttention.Result r = BatchAttention.run(session, batch, n, cls, true);
          for (int i = 0; i < n; i++) {
            SyntheticDataset.Sample x = chunk.get(i);
            ImageLabeler.Result label = labeler.label(r.maps()[i], cls[i], s, s, s);
            cm.add(label.classMap(), x.mask());
            ImageIO.write(x.image(), "png", out.resolve("JPEGImages").resolve(x.id() + ".png").toFile());
            Files.write(out.resolve("SegmentationClass").resolve(x.id() + ".png"),
                LabelPng.writePalette(label.classMap(), s, s));
            bar.step();
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    System.out.printf("%n| method | steps | mIoU | foreground mIoU | ignored pixels |%n|---|---:|---:|---:|---:|%n");
    System.out.printf("| %s | %d | %.3f | %.3f | %.1f %% |%n", m.id(), trainSteps, cm.meanIou(), cm.foregroundMeanIou(), 100 * cm.ignoredShare());
    System.out.printf("%nwrote %d labels to %s%n", test.size(), out.resolve("SegmentationClass"));
  }

  static ProgressBar bar(String task, long max) {
    return new ProgressBarBuilder().setTaskName(task).setInitialMax(max).setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(250).showSpeed().build();
  }
}
