package io.gainstream.cli;

import io.gainstream.model.train.CollapseGuard;
import io.gainstream.model.train.ReleaseGate;
import io.gainstream.services.trainer.TrainerOptions;
import picocli.CommandLine.Option;

/**
 * How a trainer validates itself: options shared by {@code trainer}, {@code label} and {@code
 * demo}.
 */
public final class ValidationOptions {
  @Option(
      names = "--held-out",
      defaultValue = "0.1",
      paramLabel = "SHARE",
      description =
          "Share of the images (chosen by a hash of the id) kept out of training to validate releases. Default: ${DEFAULT-VALUE}.")
  double heldOut;

  @Option(
      names = "--min-map",
      defaultValue = "0.6",
      paramLabel = "MAP",
      description =
          "Held-out mAP the first release needs to be published. Default: ${DEFAULT-VALUE}.")
  double minMap;

  @Option(
      names = "--release-tolerance",
      defaultValue = "0.03",
      description =
          "A release is held back when its held-out figures are this much below the published one's. Default: ${DEFAULT-VALUE}.")
  double releaseTolerance;

  @Option(
      names = "--collapse-tolerance",
      defaultValue = "0.1",
      description =
          "Attention mining is rolled back when held-out classification falls this far below its value at the start of mining. "
              + "Default: ${DEFAULT-VALUE}.")
  double collapseTolerance;

  public TrainerOptions.Guarding guarding() {
    if (!(heldOut >= 0 && heldOut < 1)) {
      throw new UserError("--held-out must be in [0, 1), got " + heldOut);
    }
    if (!(minMap >= 0 && minMap <= 1) || !(releaseTolerance >= 0 && releaseTolerance <= 1)) {
      throw new UserError("--min-map and --release-tolerance must be in [0, 1]");
    }
    if (!(collapseTolerance > 0 && collapseTolerance < 1)) {
      throw new UserError("--collapse-tolerance must be in (0, 1), got " + collapseTolerance);
    }
    CollapseGuard.Settings d = CollapseGuard.Settings.defaults();
    return new TrainerOptions.Guarding(
        heldOut,
        new CollapseGuard.Settings(
            d.checkEvery(), collapseTolerance, d.maxRollbacks(), d.minImages()),
        new ReleaseGate(minMap, releaseTolerance));
  }
}
