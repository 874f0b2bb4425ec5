package io.gainstream.bench.cli;

import io.gainstream.bench.FusionBench;
import io.gainstream.cli.Bars;
import io.gainstream.cli.LabelCommand;
import io.gainstream.cli.Logs;
import io.gainstream.cli.MaskOptions;
import io.gainstream.cli.UserError;
import io.gainstream.model.infer.MaskSessions;
import io.gainstream.services.io.LabelsCsv;
import io.gainstream.topology.PipelineConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gainstream bench fusion}: the fusion rules side by side on one release's maps of a photo
 * folder with exact masks (a measurement; the pipeline runs the configured rule).
 */
@Command(
    name = "fusion",
    mixinStandardHelpOptions = true,
    description =
        "Labels a folder with one saved release and a mask model once, then scores every fusion rule and level "
            + "on the same maps against exact masks: the attention alone, the configured fusion, threshold, "
            + "regions and a grid of hysteresis levels.")
final class BenchFusionCommand implements Callable<Integer> {
  @CommandLine.Mixin ScoredFolderOptions scored;

  @Option(
      names = "--photos",
      defaultValue = "0",
      paramLabel = "N",
      description = "Score the first N photos of labels.csv (0: all). Default: ${DEFAULT-VALUE}.")
  int photos;

  @Option(
      names = "--weak",
      split = ",",
      defaultValue = "0.1,0.2,0.3",
      paramLabel = "P[,P...]",
      description = "Weak foreground levels of the hysteresis grid. Default: ${DEFAULT-VALUE}.")
  float[] weak;

  @Option(
      names = "--supported",
      split = ",",
      defaultValue = "0.4,0.5,0.6",
      paramLabel = "A[,A...]",
      description =
          "Attention levels (of each class's peak) that support weak foreground in the grid. Default: ${DEFAULT-VALUE}.")
  float[] supported;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description =
          "A gainstream.* pipeline setting, as for label (e.g. --set gainstream.mask.zoom=false).")
  Map<String, String> sets = new HashMap<>();

  @CommandLine.Mixin MaskOptions mask;

  @Override
  public Integer call() throws Exception {
    Path masks = scored.masks();
    Path folder = scored.folder;
    Path classes = folder.resolve("classes.txt");
    if (!mask.given()) {
      throw new UserError("bench fusion compares fusions of a mask model: give --mask-model");
    }
    if (photos < 0) {
      throw new UserError("--photos must be >= 0, got " + photos);
    }
    for (float w : weak) {
      if (!(w > 0 && w < 1)) {
        throw new UserError("--weak levels must be in (0, 1), got " + w);
      }
    }
    for (float a : supported) {
      if (!(a > 0 && a <= 1)) {
        throw new UserError("--supported levels must be in (0, 1], got " + a);
      }
    }
    LabelCommand.requireSavedModel(scored.model, classes);
    mask.putSettings(sets);
    PipelineConfig config = LabelCommand.requireSettings(sets, classes);
    Logs.toFile(Path.of(""));
    try (MaskSessions.Handle session = MaskOptions.open(config)) {
      List<FusionBench.Candidate> candidates =
          FusionBench.candidates(config.mask().orElseThrow().fusion(), weak, supported);
      FusionBench.Result r;
      int rows = LabelsCsv.read(folder.resolve("labels.csv")).size();
      try (ProgressBar bar = Bars.bar("fusion", photos > 0 ? Math.min(photos, rows) : rows)) {
        r =
            FusionBench.score(
                folder,
                masks,
                Files.readAllBytes(scored.model),
                config,
                candidates,
                photos,
                bar::step);
      } catch (IllegalArgumentException e) {
        throw new UserError(e.getMessage());
      }
      System.out.printf(
          "release %s, mask model %s (%s); strict scores, 255 counts as missed%n%n",
          scored.model.getFileName(),
          session.session().id(),
          config.mask().orElseThrow().describe());
      FusionBench.print(r, folder.getFileName().toString(), System.out);
    }
    return 0;
  }
}
