package io.gainstream.model.backbone;

import io.gainstream.model.labels.CrfRefiner;
import io.gainstream.model.labels.ProxyLabels;
import io.gainstream.model.labels.TtaScales;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A backbone a network is built on, and how it is fine-tuned: the cut-down graph, the normalisation
 * it expects, which of its layers train, and their learning rate relative to the new CAM head's
 * (pretrained weights move less than a head learning from scratch). Each network gets its own
 * {@link #newBlock() block} (its own parameters, starting from the file's weights).
 *
 * @param learningRateFactor backbone learning rate = factor × the head's
 */
public record Backbone(
    OnnxBackbone graph, Preprocessing preprocessing, FineTune fineTune, float learningRateFactor) {
  /** Which backbone layers train. */
  public enum FineTune {
    /** every layer */
    ALL,
    /** the last third of the weight layers; the rest keep the file's weights and statistics */
    LAST,
    /** none: a frozen feature extractor under a trained head */
    NONE;

    public static FineTune fromId(String id) {
      try {
        return valueOf(id.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("fine-tune must be all, last or none, got '" + id + "'");
      }
    }
  }

  /**
   * Label thresholds that releases on a backbone carry (the pipeline uses them unless {@code
   * gainstream.threshold.*} is set). Why not the built-in network's 0.30 / 0.05: a backbone's map
   * comes from a 7×7 to 14×14 grid, so bilinear upsampling spreads each cell over 16–32 pixels and
   * the normalised map stays high well beyond the object; on coco-dev 0.30 labelled most of every
   * photo (docs/QUALITY.md, "thresholds").
   */
  public static final ProxyLabels.Thresholds LABEL_THRESHOLDS =
      new ProxyLabels.Thresholds(0.6f, 0.5f);

  /**
   * The refinement releases on a backbone name ({@code gainstream.extra.refine}; the pipeline
   * applies it unless {@code gainstream.refine} is set): the dense CRF. The same coarse grid that
   * needs the thresholds above gives labels that cannot follow an object's edge; on coco-dev the
   * CRF at its literature settings raised gain's foreground mIoU by 1.6 points and cam's by 0.5
   * over three seeds (docs/QUALITY.md).
   */
  public static final String LABEL_REFINEMENT = CrfRefiner.CRF;

  /**
   * The test-time scales releases on a backbone name ({@code gainstream.extra.tta.scales}; the
   * pipeline uses them unless {@code gainstream.tta.scales} is set): the label size and 1.5 times
   * it, fused before the CRF. On coco-dev, six releases each labelled four ways through Kafka
   * ({@code bench quality --variants}), this was the best combination on average: cam +3.6 points
   * of foreground mIoU over plain thresholds (on every seed), gain −0.3; the CRF alone +0.5 and
   * −1.0 (docs/QUALITY.md, "Multi-scale fusion"). It costs 2.25 times the model.
   */
  public static final TtaScales LABEL_SCALES = TtaScales.COMPARED;

  /**
   * The moving-average decay training on a backbone uses for the mined weights it releases ({@link
   * io.gainstream.model.train.GainSettings#averaging}): a window of about 200 steps, so that in
   * {@code label}'s default run (300 mining steps) a fifth of the weight stays on where mining
   * began. On coco-dev gain moved by up to 10 points of foreground mIoU between invocations without
   * averaging. With it, fg mIoU was 0.357 and 0.358 at 0.99 over two invocations, and 0.385 at
   * 0.995, the only decay above cam on every seed (docs/QUALITY.md).
   */
  public static final float WEIGHT_AVERAGING = 0.995f;

  public Backbone {
    if (!(learningRateFactor > 0 && learningRateFactor <= 1)) {
      throw new IllegalArgumentException(
          "backbone learning-rate factor must be in (0, 1], got " + learningRateFactor);
    }
  }

  /** All layers fine-tuned at a tenth of the head's learning rate. */
  public Backbone(OnnxBackbone graph, Preprocessing preprocessing) {
    this(graph, preprocessing, FineTune.ALL, 0.1f);
  }

  /**
   * Reads a classifier from a file; a file that cannot be used fails with one line.
   *
   * @param dilate dilate the last stage ({@link Dilation}): twice the attention grid's side
   */
  public static Backbone read(
      Path file, Preprocessing preprocessing, FineTune fineTune, boolean dilate) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new BackboneException("cannot read backbone " + file + ": " + e.getMessage());
    }
    OnnxBackbone g = OnnxBackbone.read(bytes);
    return new Backbone(dilate ? Dilation.lastStage(g) : g, preprocessing, fineTune, 0.1f);
  }

  /** A fresh block with the file's weights, its frozen layers frozen. */
  public BackboneBlock newBlock() {
    BackboneBlock b = new BackboneBlock(graph, preprocessing);
    b.freezeFirst(
        switch (fineTune) {
          case ALL -> 0;
          case LAST -> b.weightNodes() - b.weightNodes() / 3;
          case NONE -> b.weightNodes();
        });
    return b;
  }
}
