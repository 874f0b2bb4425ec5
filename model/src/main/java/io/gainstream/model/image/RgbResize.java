package io.gainstream.model.image;

import io.gainstream.model.input.ImageDecoder;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.util.Arrays;

/**
 * Bilinear letterbox resizing of a decoded image straight into packed 8-bit RGB, the form the
 * pipeline buffers between validation and the model. It replaced a Java2D {@code drawImage} with
 * bilinear interpolation, which cost 3.6 ms of a 480×480 photo's path to the model at 448 pixels
 * (its generic per-pixel loops) against about 1 ms here (docs/PERFORMANCE.md).
 *
 * <p>The interpolation is separable and uses the half-pixel taps of {@link MapResize} (the ones the
 * network's own upsampling uses), rows first, in fixed point (10-bit weights per pass, rounded once
 * at the end: within one level of the float result). An image of exactly the input size is copied
 * unchanged. Training and labelling both resize through here, so a release sees the same pixels in
 * both.
 */
public final class RgbResize {
  private RgbResize() {}

  /**
   * The image boxed into {@code size × size} ({@link Letterbox}), as interleaved {@code r, g, b}
   * bytes; the padding is {@link Letterbox#PAD_RGB}.
   */
  public static byte[] packed(BufferedImage img, int size) {
    Letterbox box = Letterbox.of(img.getWidth(), img.getHeight(), size);
    return resized(img, size, box.x(), box.y(), box.width(), box.height());
  }

  /**
   * The image stretched to {@code size × size}, without padding, as interleaved {@code r, g, b}
   * bytes: how foreground models of the ISNet kind are trained and fed.
   */
  public static byte[] stretched(BufferedImage img, int size) {
    return resized(img, size, 0, 0, size, size);
  }

  /** The image resized to {@code ow × oh} at ({@code bx, by}) of a padded {@code size²} square. */
  private static byte[] resized(BufferedImage img, int size, int bx, int by, int ow, int oh) {
    Bgr src = bgr(img);
    int w = img.getWidth();
    int h = img.getHeight();
    int[] i0 = new int[ow];
    float[] w0 = new float[ow];
    MapResize.taps(w, ow, i0, w0);
    int[] j0 = new int[oh];
    float[] v0 = new float[oh];
    MapResize.taps(h, oh, j0, v0);
    // byte offsets and fixed-point weights of each output column's two taps
    int[] ca = new int[ow];
    int[] cb = new int[ow];
    int[] cw = new int[ow];
    for (int x = 0; x < ow; x++) {
      ca[x] = i0[x] * 3;
      cb[x] = Math.min(i0[x] + 1, w - 1) * 3;
      cw[x] = Math.round(w0[x] * ONE);
    }
    // rows first, in fixed point (weights of 10 bits), two source rows at a time: each output row
    // needs rows j0 and j0 + 1 resized horizontally, and consecutive output rows mostly share them
    byte[] data = src.data();
    int n = ow * 3;
    int[][] rows = {new int[n], new int[n]};
    int[] rowOf = {-1, -1};
    byte[] out = new byte[size * size * 3];
    if (ow < size || oh < size) {
      byte r = (byte) (Letterbox.PAD_RGB >> 16);
      byte g = (byte) (Letterbox.PAD_RGB >> 8);
      byte b = (byte) Letterbox.PAD_RGB;
      for (int p = 0; p < out.length; p += 3) {
        out[p] = r;
        out[p + 1] = g;
        out[p + 2] = b;
      }
    }
    for (int y = 0; y < oh; y++) {
      int ya = j0[y];
      int yb = Math.min(ya + 1, h - 1);
      int[] ra = horizontal(ya, rows, rowOf, data, src, ow, ca, cb, cw);
      int[] rb = horizontal(yb, rows, rowOf, data, src, ow, ca, cb, cw);
      int va = Math.round(v0[y] * ONE);
      int vb = ONE - va;
      int dst = ((by + y) * size + bx) * 3;
      for (int k = 0; k < n; k++) {
        out[dst + k] = (byte) ((va * ra[k] + vb * rb[k] + HALF) >>> 20);
      }
    }
    return out;
  }

  /**
   * Source row {@code y} resized horizontally (r, g, b, fixed point), from the two-row cache when
   * it holds it, else computed into the slot the other needed row does not use.
   */
  private static int[] horizontal(
      int y,
      int[][] rows,
      int[] rowOf,
      byte[] data,
      Bgr src,
      int ow,
      int[] ca,
      int[] cb,
      int[] cw) {
    if (rowOf[0] == y) {
      return rows[0];
    }
    if (rowOf[1] == y) {
      return rows[1];
    }
    // replace the row with the lower index: rows are asked for in increasing order
    int slot = rowOf[0] < rowOf[1] ? 0 : 1;
    int[] t = rows[slot];
    int row = src.offset() + y * src.stride();
    for (int x = 0, d = 0; x < ow; x++, d += 3) {
      int a = row + ca[x];
      int b = row + cb[x];
      int wa = cw[x];
      int wb = ONE - wa;
      t[d] = wa * (data[a + 2] & 0xff) + wb * (data[b + 2] & 0xff);
      t[d + 1] = wa * (data[a + 1] & 0xff) + wb * (data[b + 1] & 0xff);
      t[d + 2] = wa * (data[a] & 0xff) + wb * (data[b] & 0xff);
    }
    rowOf[slot] = y;
    return t;
  }

  /** Fixed-point one of the interpolation weights (10 bits; two passes give 20 bits). */
  private static final int ONE = 1 << 10;

  private static final int HALF = 1 << 19;

  /**
   * Pixels in {@code b, g, r} memory order: the array, the first pixel's offset and the row stride.
   */
  private record Bgr(byte[] data, int offset, int stride) {}

  /**
   * The image's pixels in 3-byte BGR memory order. An ImageIO-decoded JPEG or RGB PNG already is
   * one and is read in place; any other kind (grey, palette, 16-bit, alpha: composited over black)
   * is first drawn into one, the colour conversion Java2D has always done for us.
   */
  private static Bgr bgr(BufferedImage img) {
    if (img.getType() == BufferedImage.TYPE_3BYTE_BGR
        && img.getRaster().getDataBuffer() instanceof DataBufferByte db
        && db.getNumBanks() == 1
        && img.getRaster().getSampleModel() instanceof PixelInterleavedSampleModel sm
        && sm.getPixelStride() == 3
        && Arrays.equals(sm.getBandOffsets(), new int[] {2, 1, 0})
        && img.getRaster().getParent() == null
        && img.getRaster().getSampleModelTranslateX() == 0
        && img.getRaster().getSampleModelTranslateY() == 0) {
      return new Bgr(db.getData(), db.getOffset(), sm.getScanlineStride());
    }
    return bgr(ImageDecoder.drawnAs(img, BufferedImage.TYPE_3BYTE_BGR));
  }
}
