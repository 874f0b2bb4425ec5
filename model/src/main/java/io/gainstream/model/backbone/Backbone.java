package io.gainstream.model.backbone;

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
