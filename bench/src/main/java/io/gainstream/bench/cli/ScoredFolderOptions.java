package io.gainstream.bench.cli;

import io.gainstream.cli.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * A saved release and a folder with exact masks to score its labels against: the options of the
 * benchmarks that compare ways of labelling on one release's maps ({@code bench affinity}, {@code
 * bench fusion}), checked in one place.
 */
final class ScoredFolderOptions {
  @Option(
      names = "--model",
      required = true,
      paramLabel = "FILE.onnx",
      description = "A saved release (label --save-model).")
  Path model;

  @Option(
      names = "--folder",
      required = true,
      paramLabel = "DIR",
      description = "A folder in the label contract (images/, labels.csv, classes.txt).")
  Path folder;

  @Option(
      names = "--truth",
      paramLabel = "DIR",
      description =
          "Exact masks <stem>.png. Default: FOLDER/truth if it exists, else FOLDER/masks.")
  Path truth;

  /**
   * The folder's exact masks, after checking that the folder and the release are there; a missing
   * part is one line and exit 2.
   */
  Path masks() {
    for (String f : new String[] {"labels.csv", "classes.txt", "images"}) {
      if (!Files.exists(folder.resolve(f))) {
        throw new UserError("--folder " + folder + " has no " + f);
      }
    }
    Path t =
        truth != null
            ? truth
            : Files.isDirectory(folder.resolve("truth"))
                ? folder.resolve("truth")
                : folder.resolve("masks");
    if (!Files.isDirectory(t)) {
      throw new UserError("no exact masks at " + t + " (give --truth DIR)");
    }
    if (!Files.isRegularFile(model)) {
      throw new UserError("--model " + model + " is not a file");
    }
    return t;
  }
}
