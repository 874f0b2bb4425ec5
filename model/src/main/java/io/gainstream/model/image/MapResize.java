package io.gainstream.model.image;

/** Bilinear resizing of a float map (attention at network size → the image's own size). */
public final class MapResize {
  private MapResize() {}

  /**
   * {@code U_h · M · U_wᵀ} with the half-pixel interpolation matrices of {@link Upsampling}, so a
   * map resized here matches what the network computes for its own input size.
   */
  public static float[] bilinear(float[] map, int width, int height, int outWidth, int outHeight) {
    if (map.length != width * height) {
      throw new IllegalArgumentException(
          "map of " + map.length + " values is not " + width + "x" + height);
    }
    if (width == outWidth && height == outHeight) {
      return map.clone();
    }
    // rows first: tmp (height x outWidth) = M · uwᵀ, using the two non-zero taps of each row of uw
    float[] tmp = new float[height * outWidth];
    int[] i0 = new int[outWidth];
    float[] w0 = new float[outWidth];
    taps(width, outWidth, i0, w0);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < outWidth; x++) {
        int a = i0[x];
        int b = Math.min(a + 1, width - 1);
        tmp[y * outWidth + x] = w0[x] * map[y * width + a] + (1 - w0[x]) * map[y * width + b];
      }
    }
    int[] j0 = new int[outHeight];
    float[] v0 = new float[outHeight];
    taps(height, outHeight, j0, v0);
    float[] out = new float[outHeight * outWidth];
    for (int y = 0; y < outHeight; y++) {
      int a = j0[y];
      int b = Math.min(a + 1, height - 1);
      for (int x = 0; x < outWidth; x++) {
        out[y * outWidth + x] = v0[y] * tmp[a * outWidth + x] + (1 - v0[y]) * tmp[b * outWidth + x];
      }
    }
    return out;
  }

  /**
   * First non-zero column and its weight of each row of {@link Upsampling#matrix}{@code (in, out)},
   * computed row by row as that matrix computes them rather than by building and scanning it: the
   * dense matrix of a 448-pixel map and a 640-pixel image is 287 000 floats, built twice per map.
   */
  static void taps(int in, int out, int[] first, float[] weight) {
    int[] i0 = new int[out];
    double[] frac = new double[out];
    Upsampling.sources(in, out, i0, frac);
    for (int r = 0; r < out; r++) {
      int i1 = Math.min(i0[r] + 1, in - 1);
      float w0 = (float) (1.0 - frac[r]);
      if (i1 == i0[r]) {
        first[r] = i0[r];
        weight[r] = w0 + (float) frac[r];
      } else if (w0 == 0f) {
        first[r] = i1;
        weight[r] = (float) frac[r];
      } else {
        first[r] = i0[r];
        weight[r] = w0;
      }
    }
  }

  /** {@link #taps} read off the dense matrix (the reference the tests hold it to). */
  static void tapsOfMatrix(int in, int out, int[] first, float[] weight) {
    float[] m = Upsampling.matrix(in, out);
    for (int r = 0; r < out; r++) {
      int c = 0;
      while (c < in - 1 && m[r * in + c] == 0f) {
        c++;
      }
      first[r] = c;
      weight[r] = m[r * in + c];
    }
  }
}
