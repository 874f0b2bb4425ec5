package io.gainstream.bench.cli;

import io.gainstream.bench.affinity.AffinityExperiment;
import io.gainstream.cli.Logs;
import io.gainstream.cli.UserError;
import io.gainstream.model.labels.TtaScales;
import io.gainstream.model.refine.RandomWalk;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gainstream bench affinity}: issue 13's learned-affinity random walk against thresholds and
 * the dense CRF, on one saved release's maps (a measurement, not a pipeline option).
 */
@Command(
    name = "affinity",
    mixinStandardHelpOptions = true,
    description =
        "Labels a folder with one saved release four ways (thresholds, dense CRF, random walk on learned "
            + "affinities, random walk on colour) and scores each against exact masks.")
final class BenchAffinityCommand implements Callable<Integer> {
  @CommandLine.Mixin ScoredFolderOptions scored;

  @Option(
      names = "--tta-scales",
      paramLabel = "S[,S...]",
      description = "Test-time scales. Default: the release's own.")
  String scales;

  @Option(
      names = "--grid",
      defaultValue = "56",
      description =
          "Side of the walk's grid (the affinity network's input is 4 times it). Default: ${DEFAULT-VALUE}.")
  int grid;

  @Option(
      names = "--radius",
      defaultValue = "5",
      description = "Neighbour radius of the walk, grid cells. Default: ${DEFAULT-VALUE}.")
  int radius;

  @Option(
      names = "--beta",
      defaultValue = "8",
      description = "Exponent on the affinities. Default: ${DEFAULT-VALUE}.")
  float beta;

  @Option(
      names = "--walk-steps",
      defaultValue = "256",
      description = "Random-walk steps. Default: ${DEFAULT-VALUE}.")
  int walkSteps;

  @Option(
      names = "--steps",
      defaultValue = "400",
      description = "Affinity training steps (0: the colour walk only). Default: ${DEFAULT-VALUE}.")
  int steps;

  @Option(
      names = "--batch",
      defaultValue = "8",
      description = "Affinity training batch. Default: ${DEFAULT-VALUE}.")
  int batch;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Affinity training seed. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Override
  public Integer call() throws Exception {
    if (grid < 8 || radius < 1 || !(beta > 0) || walkSteps < 0 || steps < 0 || batch < 1) {
      throw new UserError(
          "--grid must be >= 8, --radius and --batch >= 1, --beta > 0, --steps and --walk-steps >= 0");
    }
    Path t = scored.masks();
    Logs.toFile(Path.of(""));
    new AffinityExperiment(
            new AffinityExperiment.Options(
                scored.model,
                scored.folder,
                t,
                scales == null ? null : TtaScales.parse(scales),
                grid,
                new RandomWalk.Settings(radius, beta, walkSteps),
                steps,
                batch,
                seed),
            System.out)
        .run();
    return 0;
  }
}
