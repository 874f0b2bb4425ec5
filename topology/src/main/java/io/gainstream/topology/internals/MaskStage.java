package io.gainstream.topology.internals;

import io.gainstream.model.image.Letterbox;
import io.gainstream.model.image.MapResize;
import io.gainstream.model.image.RgbResize;
import io.gainstream.model.infer.ClassifierSession;
import io.gainstream.model.infer.InferenceOptions;
import io.gainstream.model.infer.MaskSession;
import io.gainstream.model.infer.MaskSessions;
import io.gainstream.model.input.DecodeLimits;
import io.gainstream.model.input.ImageDecoder;
import io.gainstream.model.labels.AttentionWindow;
import io.gainstream.model.labels.ImageLabeler;
import io.gainstream.model.labels.MaskFusion;
import io.gainstream.model.labels.RegionCheck;
import io.gainstream.topology.MaskSettings;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;

/**
 * The mask model's part of the threshold stage: the foreground probability of an image, fused with
 * the attention's label into the label that is published. The session is the process's shared one
 * ({@link MaskSessions}); closing this stage gives its use back.
 *
 * <p>The model sees the image's own pixels, decoded again from the published bytes the pending
 * image carries when a mask model is configured, stretched to its square without padding (as such
 * models are trained); its output is resized back to the image's own size. Feeding it the attention
 * model's letterboxed input instead (448 pixels for a 640-pixel photo) cost labels detail the mask
 * model can see (docs/QUALITY.md). An image without its bytes falls back to that input.
 */
public final class MaskStage implements AutoCloseable {
  private final MaskSessions.Handle handle;
  private final MaskFusion.Settings fusion;
  private final DecodeLimits limits;
  private final boolean flip;
  private final AttentionWindow.Settings zoom;
  private final String described;

  /** The animal check's classifier and levels; null when the check is off. */
  private final ClassifierSession checker;

  private final MaskSettings.Check check;

  public MaskStage(MaskSettings mask, InferenceOptions inference, DecodeLimits limits) {
    this.limits = limits;
    this.flip = mask.flip();
    this.zoom = mask.zoom();
    this.fusion = mask.fusion();
    this.check = mask.check().orElse(null);
    this.checker = mask.check().map(c -> openChecker(c, inference)).orElse(null);
    this.described =
        checker == null
            ? mask.describe()
            : mask.describe()
                + ", "
                + check.settings().describe(check.animals())
                + " by "
                + checker.id();
    this.handle = acquire(mask, inference);
  }

  private MaskSessions.Handle acquire(MaskSettings mask, InferenceOptions inference) {
    try {
      return MaskSessions.acquire(mask.file(), mask.options(), inference);
    } catch (RuntimeException e) {
      if (checker != null) {
        checker.close();
      }
      throw e;
    }
  }

  /** The check's classifier; the file is read once per stage (a few megabytes). */
  private static ClassifierSession openChecker(MaskSettings.Check c, InferenceOptions inference) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(c.file());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the check model " + c.file(), e);
    }
    return new ClassifierSession(bytes, c.file().getFileName().toString(), c.imagenet(), inference);
  }

  /** What the labels record: the model file and a hash of its content. */
  public String model() {
    return handle.session().id();
  }

  /** What the labels record about the fusion (and the second look, when on). */
  public String fusion() {
    return described;
  }

  /**
   * The fused label of an image whose attention label is {@code r}, checked when the check is on
   * (an image without its bytes is fused from the attention model's input and not checked: the
   * check crops the photo's own pixels).
   */
  public byte[] fuse(Attended a, ImageLabeler.Result r) {
    if (a.image() == null) {
      float[] fg = foreground(a.rgb(), a.size(), r.width(), r.height());
      return MaskFusion.fuse(
          fg, r.maps(), a.classes(), r.classMap(), r.width(), r.height(), fusion);
    }
    BufferedImage img = ImageDecoder.decodeRaw(a.image(), limits);
    float[] fg = foreground(img, r.maps(), r.width(), r.height());
    byte[] fused =
        MaskFusion.fuse(fg, r.maps(), a.classes(), r.classMap(), r.width(), r.height(), fusion);
    return check(img, fused, a.classes());
  }

  /**
   * {@code fused} with the animal check applied ({@link RegionCheck}) to the image's labelled
   * classes that are animals; unchanged when the check is off, no such class is labelled or the
   * image is not at the label's size.
   */
  public byte[] check(BufferedImage img, byte[] fused, int[] classes) {
    if (checker == null || fused.length != img.getWidth() * img.getHeight()) {
      return fused;
    }
    int[] animals =
        java.util.Arrays.stream(classes)
            .filter(c -> java.util.Arrays.stream(check.animalIndices()).anyMatch(a -> a == c))
            .toArray();
    if (animals.length == 0) {
      return fused;
    }
    return RegionCheck.apply(
            fused,
            img.getWidth(),
            img.getHeight(),
            animals,
            check.settings(),
            boxes -> checker.animalShares(img, boxes))
        .classMap();
  }

  /**
   * Foreground probability at {@code width × height} of an image given as published: decoded again
   * (it passed validation with the same limits) and stretched from its own pixels to the mask
   * model's square; with zoom on, the window around the attention's peak ({@code maps}, at the
   * image's size) is shown to the mask model once more on its own and its foreground laid over the
   * whole image's ({@link AttentionWindow}).
   */
  public float[] foreground(byte[] encoded, float[][] maps, int width, int height) {
    return foreground(ImageDecoder.decodeRaw(encoded, limits), maps, width, height);
  }

  /** {@link #foreground(byte[], float[][], int, int)} of an image already decoded. */
  public float[] foreground(BufferedImage img, float[][] maps, int width, int height) {
    float[] fg = foreground(img, width, height);
    if (!zoom.on()) {
      return fg;
    }
    // the attention maps are at the image's size: the window is in the decoded image's pixels
    return AttentionWindow.of(maps, width, height, zoom)
        .map(
            w ->
                w.overlay(
                    fg,
                    width,
                    foreground(
                        img.getSubimage(w.x(), w.y(), w.width(), w.height()),
                        w.width(),
                        w.height())))
        .orElse(fg);
  }

  /**
   * Foreground probability at {@code width × height} of a picture stretched to the model's square.
   */
  private float[] foreground(BufferedImage img, int width, int height) {
    int m = handle.session().inputSize();
    return MapResize.bilinear(probability(RgbResize.stretched(img, m), m), m, m, width, height);
  }

  /**
   * Foreground probability at {@code width × height} of an image given only as the attention
   * model's input ({@code size²} interleaved RGB bytes, letterboxed): its window, stretched.
   */
  float[] foreground(byte[] rgb, int size, int width, int height) {
    int m = handle.session().inputSize();
    Letterbox box = Letterbox.of(width, height, size);
    int plane = size * size;
    byte[] input = new byte[3 * m * m];
    for (int c = 0; c < 3; c++) {
      float[] channel = new float[plane];
      for (int p = 0; p < plane; p++) {
        channel[p] = rgb[3 * p + c] & 0xff;
      }
      float[] resized = MapResize.bilinear(box.window(channel), box.width(), box.height(), m, m);
      for (int p = 0; p < m * m; p++) {
        input[3 * p + c] = (byte) Math.max(0, Math.min(255, Math.round(resized[p])));
      }
    }
    return MapResize.bilinear(probability(input, m), m, m, width, height);
  }

  /**
   * The mask model's foreground on an {@code m²} RGB input: with flip on, the mean of its output on
   * the input and on the input's mirror image mirrored back. A left-right mirror is as likely a
   * photo as the original, and the shared ISNet answers the two differently enough that their mean
   * labelled coco-dev 2 to 4 points better (docs/QUALITY.md). The difference is the model's own:
   * its graph made float32 throughout labelled the same to four decimals of foreground mIoU.
   */
  private float[] probability(byte[] rgb, int m) {
    MaskSession session = handle.session();
    if (!flip) {
      return session.foreground(List.of(rgb)).get(0);
    }
    List<float[]> out = session.foreground(List.of(rgb, mirrored(rgb, m)));
    float[] a = out.get(0);
    float[] b = out.get(1);
    for (int y = 0; y < m; y++) {
      int row = y * m;
      for (int x = 0; x < m; x++) {
        a[row + x] = (a[row + x] + b[row + m - 1 - x]) / 2;
      }
    }
    return a;
  }

  /** Interleaved RGB bytes of an {@code m²} image mirrored left to right. */
  static byte[] mirrored(byte[] rgb, int m) {
    byte[] out = new byte[rgb.length];
    for (int y = 0; y < m; y++) {
      for (int x = 0; x < m; x++) {
        System.arraycopy(rgb, 3 * (y * m + x), out, 3 * (y * m + m - 1 - x), 3);
      }
    }
    return out;
  }

  @Override
  public void close() {
    handle.close();
    if (checker != null) {
      checker.close();
    }
  }
}
