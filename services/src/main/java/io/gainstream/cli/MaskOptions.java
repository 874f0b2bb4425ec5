package io.gainstream.cli;

import io.gainstream.model.infer.ClassifierSession;
import io.gainstream.model.infer.InferenceOptions;
import io.gainstream.model.infer.MaskSessions;
import io.gainstream.model.input.DecodeLimits;
import io.gainstream.model.onnx.InvalidModelException;
import io.gainstream.services.io.LabelsCsv;
import io.gainstream.services.label.AnimalClasses;
import io.gainstream.topology.PipelineConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The class-agnostic mask model fused with the attention: options shared by {@code label} and
 * {@code bench quality}, turned into the pipeline's {@code gainstream.mask.*} settings.
 */
public final class MaskOptions {
  @Option(
      names = "--mask-model",
      paramLabel = "FILE.onnx",
      description =
          "A class-agnostic foreground model (ONNX, RGB in, one channel of foreground probability out: ISNet, U2-Net, "
              + "BASNet style) fused with the class attention, so that labels follow the object's extent; the "
              + "attention's own label is kept in SegmentationClassUnfused/. Bring your own file (README).")
  Path file;

  @Option(
      names = "--mask-size",
      paramLabel = "PIXELS",
      description =
          "Side of the square input the mask model runs at. Default: the size its graph declares.")
  Integer size;

  @Option(
      names = "--fusion",
      paramLabel = "hysteresis|threshold|regions",
      description =
          "How the mask model's foreground and the attention make the label: foreground where the mask model is sure, "
              + "or only weakly sure and the attention is strong (hysteresis); each foreground pixel its most attended "
              + "class (threshold); or each foreground region the class its attention votes for (regions). "
              + "Default: hysteresis.")
  String fusion;

  /** Whether a mask model was given. */
  public boolean given() {
    return file != null;
  }

  /** The options as pipeline settings, checked (a bad value is one line). */
  public Map<String, String> settings() {
    Map<String, String> sets = new HashMap<>();
    putSettings(sets);
    return sets;
  }

  /**
   * With a mask model and an ImageNet-1k classifier as the backbone, sets that classifier to check
   * the fused labels ({@code gainstream.mask.check.*}, docs/QUALITY.md "The animal check") with the
   * classes it finds to be animals on the folder's photos ({@link AnimalClasses}), unless the
   * settings already name a check model (an empty one turns the check off). A backbone that is no
   * 1000-class classifier, or a folder with no animal class, leaves the check off with one line on
   * {@code out}.
   *
   * @param limits the pipeline's decode limits: a photo it would refuse is not judged either
   * @return whether the check is on
   */
  public boolean putCheck(
      Map<String, String> sets,
      Path backbone,
      boolean imagenet,
      Path images,
      List<LabelsCsv.Row> rows,
      List<String> classes,
      DecodeLimits limits,
      PrintStream out) {
    String key = PipelineConfig.MASK_CHECK_MODEL_FILE_CONFIG;
    if (!given() || sets.containsKey(key)) {
      return given() && !sets.getOrDefault(key, "").isBlank();
    }
    if (backbone == null) {
      return false;
    }
    try (ClassifierSession classifier =
        new ClassifierSession(
            Files.readAllBytes(backbone),
            backbone.getFileName().toString(),
            imagenet,
            InferenceOptions.cpu())) {
      AnimalClasses.Found found = AnimalClasses.find(classifier, images, rows, classes, limits);
      if (found.animals().isEmpty()) {
        out.println(
            "fused labels are not checked: no class is an animal on its single-label photos ("
                + found.describe()
                + ")");
        return false;
      }
      sets.put(key, backbone.toString());
      sets.put(PipelineConfig.MASK_CHECK_PREPROCESSING_CONFIG, imagenet ? "imagenet" : "none");
      sets.put(PipelineConfig.MASK_CHECK_CLASSES_CONFIG, String.join(",", found.animals()));
      out.println(
          "fused labels are checked by the backbone as an ImageNet classifier ("
              + classifier.id()
              + "): animal classes "
              + found.animals()
              + " (single-label photos showing an animal: "
              + found.describe()
              + ")");
      return true;
    } catch (InvalidModelException | IOException e) {
      out.println("fused labels are not checked: " + e.getMessage());
      return false;
    }
  }

  /** Adds the options to {@code sets} as pipeline settings, checked. */
  public void putSettings(Map<String, String> sets) {
    if (file != null) {
      LabelCommand.requireFile(file, "--mask-model");
      sets.put(PipelineConfig.MASK_MODEL_FILE_CONFIG, file.toString());
    }
    if (size != null) {
      if (size < 16 || size > 4096) {
        throw new UserError("--mask-size must be 16..4096, got " + size);
      }
      sets.put(PipelineConfig.MASK_SIZE_CONFIG, size.toString());
    }
    if (fusion != null) {
      if (!List.of("hysteresis", "threshold", "regions").contains(fusion)) {
        throw new UserError("--fusion must be hysteresis, threshold or regions, got " + fusion);
      }
      sets.put(PipelineConfig.MASK_FUSION_CONFIG, fusion);
    }
  }

  /**
   * Opens the mask model of {@code sets} before any work, so that a file that is no such model is
   * one line and exit 2; the pipeline then shares this session (one per process). Null without one.
   */
  public static MaskSessions.Handle open(Map<String, String> sets) {
    Map<String, Object> c = new HashMap<>(sets);
    // the mask model is class-agnostic: any class list makes the settings a valid config, less the
    // check's, which names classes and does not concern the mask model's session
    c.put(PipelineConfig.CLASSES_CONFIG, "any");
    c.remove(PipelineConfig.MASK_CHECK_CLASSES_CONFIG);
    return open(new PipelineConfig(c));
  }

  /**
   * The process's mask model session of {@code config}, opened now so that a file that is no such
   * model is one line and exit 2 before any work; null when no mask model is set.
   */
  public static MaskSessions.Handle open(PipelineConfig config) {
    var mask = config.mask();
    if (mask.isEmpty()) {
      return null;
    }
    // a check model named by a setting is tried now too: one line, not a failing stream thread
    mask.get()
        .check()
        .ifPresent(
            c -> {
              try (ClassifierSession probe =
                  new ClassifierSession(
                      Files.readAllBytes(c.file()),
                      c.file().getFileName().toString(),
                      c.imagenet(),
                      InferenceOptions.cpu())) {
                // opened and run once: it is an ImageNet-1k classifier
              } catch (InvalidModelException | IOException e) {
                throw new UserError("check model " + c.file() + ": " + e.getMessage());
              }
            });
    try {
      return MaskSessions.acquire(
          mask.get().file(), mask.get().options(), config.inferenceOptions());
    } catch (InvalidModelException | UncheckedIOException e) {
      throw new UserError("mask model " + mask.get().file() + ": " + e.getMessage());
    }
  }
}
