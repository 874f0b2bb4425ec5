package io.gainstream.model.release;

import io.gainstream.model.labels.CrfRefiner;
import io.gainstream.model.labels.ProxyLabels.Thresholds;
import io.gainstream.model.labels.Refinement;
import io.gainstream.model.labels.TtaScales;
import io.gainstream.model.labels.WalkRefiner;
import io.gainstream.model.onnx.ModelInfo;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How the images of one release are labelled, decided once when the release is swapped in: the
 * input side and classes, the label thresholds, the refinement with its settings, the test-time
 * scales and the mirror. Processors receive it whole and never read the release's metadata
 * themselves, so "a setting overrides the release" lives here and nowhere else.
 *
 * <p>Where it comes from: a release writes what it wants in one channel, its ONNX metadata ({@link
 * Named#toExtra}, the {@code gainstream.extra.*} keys releases have always used, so older releases
 * read the same), next to the input side and classes its network spec carries. The {@code
 * ModelRelease} message repeats side and classes as a header for the validation stage, which must
 * route images without opening the model. {@link #resolve} lays the pipeline's settings over it.
 *
 * @param method training method of the release (cam, gain, …)
 * @param inputSize side of the square network input, in pixels
 * @param classes foreground class names, index k − 1 holding class k
 * @param thresholds the label thresholds
 * @param refinement how the label is refined, with its settings; null: the thresholded label
 * @param scales test-time scales as multiples of {@code inputSize}
 * @param flip whether the mirror image is averaged in
 */
public record LabelRecipe(
    String method,
    int inputSize,
    List<String> classes,
    Thresholds thresholds,
    Refinement refinement,
    TtaScales scales,
    boolean flip) {
  public LabelRecipe {
    classes = List.copyOf(classes);
  }

  /**
   * What a release names for its own labels; what it leaves out is the pipeline's to decide.
   *
   * @param thresholds the label thresholds it was validated with
   * @param refine a refinement name (crf, walk or none)
   * @param scales its test-time scales
   */
  public record Named(
      Optional<Thresholds> thresholds, Optional<String> refine, Optional<TtaScales> scales) {
    /** Keys in a release's metadata extras ({@code gainstream.extra.*}). */
    public static final String FOREGROUND_KEY = "threshold.foreground";

    public static final String BACKGROUND_KEY = "threshold.background";
    public static final String REFINE_KEY = "refine";
    public static final String SCALES_KEY = "tta.scales";

    /**
     * What releases of the built-in network name: the random walk on colour affinities. Through
     * Kafka over three seeds it added 22 points of foreground mIoU on set (b) and 3 to 4 to gain
     * and seenet on set (a), where the CRF wipes out peaked maps (docs/QUALITY.md).
     */
    public static final Named BUILT_IN =
        new Named(Optional.empty(), Optional.of(WalkRefiner.WALK), Optional.empty());

    /**
     * What releases on an imported backbone name. Thresholds 0.6 / 0.5 rather than the built-in
     * network's 0.30 / 0.05: a backbone's map comes from a 7×7 to 14×14 grid, so bilinear
     * upsampling spreads each cell over 16–32 pixels and the normalised map stays high well beyond
     * the object; on coco-dev 0.30 labelled most of every photo (docs/QUALITY.md, "thresholds").
     * The dense CRF, because the same coarse grid gives labels that cannot follow an object's edge
     * (+1.6 points of foreground mIoU for gain, +0.5 for cam over three seeds). Scales 1 and 1.5,
     * fused before the CRF: the best combination of {@code bench quality --variants} on coco-dev
     * (cam +3.6 points on every seed, gain −0.3), at 2.25 times the model's cost.
     */
    public static final Named BACKBONE =
        new Named(
            Optional.of(new Thresholds(0.6f, 0.5f)),
            Optional.of(CrfRefiner.CRF),
            Optional.of(TtaScales.COMPARED));

    /**
     * Reads what a release names; a value this build cannot read is reported in {@code problems}
     * and left to the pipeline, so that one bad key costs a setting, not the release.
     */
    public static Named read(Map<String, String> extra, List<String> problems) {
      Optional<Thresholds> t = Optional.empty();
      String f = extra.get(FOREGROUND_KEY);
      String b = extra.get(BACKGROUND_KEY);
      if (f != null && b != null) {
        try {
          t = Optional.of(new Thresholds(Float.parseFloat(f), Float.parseFloat(b)));
        } catch (IllegalArgumentException e) {
          problems.add("bad thresholds (" + e.getMessage() + ")");
        }
      }
      Optional<TtaScales> s = Optional.empty();
      String named = extra.get(SCALES_KEY);
      if (named != null) {
        try {
          s = Optional.of(TtaScales.parse(named));
        } catch (IllegalArgumentException e) {
          problems.add("bad test-time scales (" + e.getMessage() + ")");
        }
      }
      return new Named(t, Optional.ofNullable(extra.get(REFINE_KEY)), s);
    }

    /** As {@link #read} reads it, for a release's metadata extras. */
    public Map<String, String> toExtra() {
      Map<String, String> out = new HashMap<>();
      thresholds.ifPresent(
          t -> {
            out.put(FOREGROUND_KEY, Float.toString(t.foreground()));
            out.put(BACKGROUND_KEY, Float.toString(t.background()));
          });
      refine.ifPresent(r -> out.put(REFINE_KEY, r));
      scales.ifPresent(s -> out.put(SCALES_KEY, s.encode()));
      return Map.copyOf(out);
    }

    /** The thresholds a release is validated with: its own, else the built-in default. */
    public Thresholds thresholdsOrDefault() {
      return thresholds.orElse(Thresholds.defaults());
    }
  }

  /**
   * The pipeline's own settings, laid over what a release names.
   *
   * @param thresholds the pipeline's thresholds (set or at their defaults)
   * @param thresholdsSet whether they were set: then they win over the release's
   * @param refine a refinement name the pipeline sets (crf, walk or none); empty: the release's
   * @param scales test-time scales the pipeline sets; empty: the release's
   * @param flip whether the mirror image is averaged in (the release names none)
   * @param refinements every refinement this pipeline can run, by name, at its settings
   */
  public record Settings(
      Thresholds thresholds,
      boolean thresholdsSet,
      Optional<String> refine,
      Optional<TtaScales> scales,
      boolean flip,
      Map<String, Refinement> refinements) {
    public Settings {
      refinements = Map.copyOf(refinements);
    }
  }

  /**
   * The recipe of a release under these settings. A setting the pipeline sets wins; otherwise what
   * the release names; otherwise the pipeline's default. A refinement this build does not know
   * labels without refinement (and says so in {@code problems}) rather than not at all.
   */
  public static LabelRecipe resolve(ModelInfo info, Settings settings, List<String> problems) {
    Named named = Named.read(info.extra(), problems);
    Thresholds t =
        settings.thresholdsSet()
            ? settings.thresholds()
            : named.thresholds().orElse(settings.thresholds());
    String refine = settings.refine().or(named::refine).orElse(Refinement.NONE);
    Refinement r = settings.refinements().get(refine);
    if (r == null && !refine.equals(Refinement.NONE)) {
      problems.add("unknown refinement '" + refine + "'");
    }
    TtaScales scales = settings.scales().or(named::scales).orElse(TtaScales.single());
    return new LabelRecipe(
        info.method(), info.spec().inputSize(), info.classes(), t, r, scales, settings.flip());
  }

  /** The same recipe at one scale, for a release that cannot run at its other sides. */
  public LabelRecipe atOneScale() {
    return new LabelRecipe(
        method, inputSize, classes, thresholds, refinement, TtaScales.single(), flip);
  }

  /** The refinement's name, or {@code none}. */
  public String refineName() {
    return refinement == null ? Refinement.NONE : refinement.name();
  }

  /** One line for logs: what labels of this release are made with. */
  public String describe() {
    return String.format(
        Locale.ROOT,
        "%s, %d px, thresholds %.2f / %.2f, refine %s, scales %s%s",
        method,
        inputSize,
        thresholds.foreground(),
        thresholds.background(),
        refineName(),
        scales.encode(),
        flip ? ", mirrored" : "");
  }
}
