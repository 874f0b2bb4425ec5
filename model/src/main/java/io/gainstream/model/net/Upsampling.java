package io.gainstream.model.net;

/**
 * Bilinear upsampling as a pair of constant matrices, {@code up = U · A · Uᵀ}.
 *
 * <p>Why matrices: the same constants run in DJL (training, differentiable) and in the exported
 * ONNX graph ({@code MatMul}), so both sides compute bit-for-bit the same interpolation, with no
 * dependence on how each runtime implements {@code Resize}. Weights follow the half-pixel
 * convention (PyTorch {@code align_corners=False}): source coordinate {@code (x + 0.5)·in/out − 0.5},
 * clamped at the borders.
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
    double scale = (double) in / out;
    for (int x = 0; x < out; x++) {
      double src = Math.max(0.0, (x + 0.5) * scale - 0.5);
      int i0 = Math.min((int) Math.floor(src), in - 1);
      int i1 = Math.min(i0 + 1, in - 1);
      double frac = src - i0;
      m[x * in + i0] += (float) (1.0 - frac);
      m[x * in + i1] += (float) frac;
    }
    return m;
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
