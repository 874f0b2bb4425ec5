package io.gainstream.model.train;

import java.util.Random;

/**
 * Training-time augmentation of one example: a horizontal flip and a random square crop resized
 * back to the input size, the image bilinearly and its pixel label (if any) by nearest neighbour.
 *
 * <p>Why: a backbone fine-tuned on a few dozen photos learns them by heart within a few hundred
 * steps (training loss 5e-5 on coco-dev), and its class maps turn into one blob per image. Seeing
 * each photo mirrored and at other scales and offsets is what keeps the maps on the object. Crops
 * keep at least {@code minCrop} of the side, so an object that fills part of the photo stays in
 * view far more often than not and the image-level label stays true. The built-in network on its
 * synthetic shapes trains without it ({@link #NONE}): a crop there can cut a shape off.
 *
 * @param flip mirror half of the examples
 * @param minCrop smallest crop side as a share of the image side, in (0, 1]; 1 means no crop
 */
public record Augmentation(boolean flip, float minCrop) {
  /** No augmentation: the example as it is. */
  public static final Augmentation NONE = new Augmentation(false, 1f);

  /** For photographs under a pretrained backbone. */
  public static final Augmentation PHOTOS = new Augmentation(true, 0.7f);

  public Augmentation {
    if (!(minCrop > 0 && minCrop <= 1)) {
      throw new IllegalArgumentException("minCrop must be in (0, 1], got " + minCrop);
    }
  }

  /** The example as training sees it this time; the same example when there is nothing to do. */
  public Example apply(Example e, int size, Random rnd) {
    if (!flip && minCrop >= 1) {
      return e;
    }
    boolean mirror = flip && rnd.nextBoolean();
    int side = minCrop >= 1 ? size : Math.max(1, Math.round(size * (minCrop + (1 - minCrop) * rnd.nextFloat())));
    int x0 = rnd.nextInt(size - side + 1);
    int y0 = rnd.nextInt(size - side + 1);
    if (!mirror && side == size) {
      return e;
    }
    float scale = (float) side / size;
    int plane = size * size;
    float[] src = e.chw();
    float[] out = new float[src.length];
    byte[] mask = e.mask() == null ? null : new byte[plane];
    for (int y = 0; y < size; y++) {
      // pixel centres of the output, in input coordinates (half-pixel convention)
      float sy = y0 + (y + 0.5f) * scale - 0.5f;
      int iy = (int) Math.floor(sy);
      float fy = sy - iy;
      int ya = clamp(iy, size);
      int yb = clamp(iy + 1, size);
      for (int x = 0; x < size; x++) {
        int ox = mirror ? size - 1 - x : x;
        float sx = x0 + (x + 0.5f) * scale - 0.5f;
        int ix = (int) Math.floor(sx);
        float fx = sx - ix;
        int xa = clamp(ix, size);
        int xb = clamp(ix + 1, size);
        for (int c = 0; c < 3; c++) {
          int o = c * plane;
          float top = src[o + ya * size + xa] * (1 - fx) + src[o + ya * size + xb] * fx;
          float bottom = src[o + yb * size + xa] * (1 - fx) + src[o + yb * size + xb] * fx;
          out[o + y * size + ox] = top * (1 - fy) + bottom * fy;
        }
        if (mask != null) {
          mask[y * size + ox] = e.mask()[clamp(Math.round(sy), size) * size + clamp(Math.round(sx), size)];
        }
      }
    }
    return new Example(e.id(), out, e.classes(), mask);
  }

  private static int clamp(int v, int size) {
    return v < 0 ? 0 : v >= size ? size - 1 : v;
  }
}
