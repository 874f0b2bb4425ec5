package io.gainstream.model.image;

/**
 * Bilinear upsampling as a pair of constant matrices, {@code up = U · A · Uᵀ}.
 *
 * <p>Why matrices: the same constants run in DJL (training, differentiable) and in the exported
 * ONNX graph ({@code MatMul}), so both sides compute bit-for-bit the same interpolation, with no
 * dependence on how each runtime implements {@code Resize}. Weights follow the half-pixel
 * convention (PyTorch {@code align_corners=False}): source coordinate {@code (x + 0.5)·in/out −
 * 0.5}, clamped at the borders.
 */
public final class Upsampling {
  private Upsampling() {}

  /**
   * Row-major {@code out × in} interpolation matrix.
   *
   * @param in source length
   * @param out target length
   */
  public static float[] matrix(int in, int out) {
    if (in < 1 || out < 1) {
      throw new IllegalArgumentException("lengths must be positive: in=" + in + ", out=" + out);
    }
    float[] m = new float[out * in];
    int[] first = new int[out];
    double[] frac = new double[out];
    sources(in, out, first, frac);
    for (int x = 0; x < out; x++) {
      int i1 = Math.min(first[x] + 1, in - 1);
      m[x * in + first[x]] += (float) (1.0 - frac[x]);
      m[x * in + i1] += (float) frac[x];
    }
    return m;
  }

  /**
   * Where each output position samples: the lower source index {@code first[x]} (its neighbour is
   * {@code min(first[x] + 1, in − 1)}) and the fraction {@code frac[x]} towards that neighbour. The
   * one definition of the interpolation, shared by {@link #matrix} and the image-side resizes.
   */
  public static void sources(int in, int out, int[] first, double[] frac) {
    double scale = (double) in / out;
    for (int x = 0; x < out; x++) {
      double src = Math.max(0.0, (x + 0.5) * scale - 0.5);
      first[x] = Math.min((int) Math.floor(src), in - 1);
      frac[x] = src - first[x];
    }
  }

  /** Transpose of a row-major {@code rows × cols} matrix. */
  public static float[] transpose(float[] m, int rows, int cols) {
    float[] t = new float[m.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        t[c * rows + r] = m[r * cols + c];
      }
    }
    return t;
  }
}
