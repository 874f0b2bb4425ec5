package io.gainstream.model.image;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;

/**
 * Bilinear letterbox resizing of a decoded image straight into packed 8-bit RGB, the form the
 * pipeline buffers between validation and the model. It replaced a Java2D {@code drawImage} with
 * bilinear interpolation, which cost 3.6 ms of a 480×480 photo's path to the model at 448 pixels
 * (its generic per-pixel loops) against about 1 ms here (docs/PERFORMANCE.md).
 *
 * <p>The interpolation is separable and uses the half-pixel taps of {@link MapResize} (the ones the
 * network's own upsampling uses), rows first, each pass in float, rounded once at the end. An image
 * of exactly the input size is copied unchanged. Training and labelling both resize through here,
 * so a release sees the same pixels in both.
 */
public final class RgbResize {
  private RgbResize() {}

  /**
   * The image boxed into {@code size × size} ({@link Letterbox}), as interleaved {@code r, g, b}
   * bytes; the padding is {@link Letterbox#PAD_RGB}.
   */
  public static byte[] packed(BufferedImage img, int size) {
    Letterbox box = Letterbox.of(img.getWidth(), img.getHeight(), size);
    byte[] rgb = rgb(img);
    int w = img.getWidth();
    int h = img.getHeight();
    int ow = box.width();
    int oh = box.height();
    int[] i0 = new int[ow];
    float[] w0 = new float[ow];
    MapResize.taps(w, ow, i0, w0);
    int[] j0 = new int[oh];
    float[] v0 = new float[oh];
    MapResize.taps(h, oh, j0, v0);
    // rows first: tmp is h × ow × 3 in r, g, b order
    float[] tmp = new float[h * ow * 3];
    for (int y = 0; y < h; y++) {
      int row = y * w * 3;
      int dst = y * ow * 3;
      for (int x = 0; x < ow; x++) {
        int a = row + i0[x] * 3;
        int b = row + Math.min(i0[x] + 1, w - 1) * 3;
        float wa = w0[x];
        float wb = 1 - wa;
        int d = dst + x * 3;
        tmp[d] = wa * (rgb[a] & 0xff) + wb * (rgb[b] & 0xff);
        tmp[d + 1] = wa * (rgb[a + 1] & 0xff) + wb * (rgb[b + 1] & 0xff);
        tmp[d + 2] = wa * (rgb[a + 2] & 0xff) + wb * (rgb[b + 2] & 0xff);
      }
    }
    byte[] out = new byte[size * size * 3];
    if (!box.fills()) {
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
      int a = j0[y] * ow * 3;
      int b = Math.min(j0[y] + 1, h - 1) * ow * 3;
      float va = v0[y];
      float vb = 1 - va;
      int dst = ((box.y() + y) * size + box.x()) * 3;
      for (int k = 0; k < ow * 3; k++) {
        int v = Math.round(va * tmp[a + k] + vb * tmp[b + k]);
        out[dst + k] = (byte) (v < 0 ? 0 : Math.min(v, 255));
      }
    }
    return out;
  }

  /**
   * The image's pixels as {@code r, g, b} bytes, row-major. A 3-byte BGR image (what ImageIO
   * decodes JPEGs and RGB PNGs to) is read row by row as it is (its raster hands out samples in
   * band order, red first); any other kind (grey, palette,
   * 16-bit, alpha: composited over black) is first drawn into one, the colour conversion Java2D
   * has always done for us.
   */
  static byte[] rgb(BufferedImage img) {
    BufferedImage src = img;
    if (img.getType() != BufferedImage.TYPE_3BYTE_BGR) {
      src = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
      Graphics2D g = src.createGraphics();
      try {
        g.drawImage(img, 0, 0, null);
      } finally {
        g.dispose();
      }
    }
    int w = src.getWidth();
    int h = src.getHeight();
    Raster r = src.getRaster();
    byte[] out = new byte[w * h * 3];
    byte[] row = new byte[w * 3];
    for (int y = 0; y < h; y++) {
      r.getDataElements(0, y, w, 1, row);
      System.arraycopy(row, 0, out, y * w * 3, w * 3);
    }
    return out;
  }
}
