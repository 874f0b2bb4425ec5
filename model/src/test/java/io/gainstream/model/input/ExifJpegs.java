package io.gainstream.model.input;

import java.awt.image.BufferedImage;

/**
 * JPEGs carrying an EXIF orientation tag, built in memory as cameras and editors lay them out; for
 * the tests of every module that reads or writes photos (the model's test jar).
 */
public final class ExifJpegs {
  private ExifJpegs() {}

  /** A plain JPEG of a gradient, {@code w × h}, as ImageIO writes it (with a JFIF APP0 segment). */
  public static byte[] jpeg(int w, int h) {
    return TestImages.encode(TestImages.pattern(w, h, BufferedImage.TYPE_INT_RGB), "jpeg");
  }

  /**
   * A JPEG with an EXIF block declaring {@code orientation}, in the byte order a camera might write
   * ({@code little}: "II", else "MM"), placed as cameras place it: first after SOI ({@code first}),
   * or after the encoder's JFIF APP0 segment, as editors that keep both do.
   */
  public static byte[] tagged(byte[] jpeg, int orientation, boolean little, boolean first) {
    java.io.ByteArrayOutputStream tiff = new java.io.ByteArrayOutputStream();
    int[] header =
        little ? new int[] {'I', 'I', 42, 0, 8, 0, 0, 0} : new int[] {'M', 'M', 0, 42, 0, 0, 0, 8};
    for (int v : header) {
      tiff.write(v);
    }
    short16(tiff, 2, little); // one IFD0 entry: a camera make first would be usual, one is enough
    short16(tiff, 0x0112, little);
    short16(tiff, 3, little); // SHORT
    int32(tiff, 1, little); // count
    short16(tiff, orientation, little);
    short16(tiff, 0, little); // the value field's other half
    int32(tiff, 0, little); // no next IFD
    byte[] body = tiff.toByteArray();
    int len = 2 + 6 + body.length;
    java.io.ByteArrayOutputStream app1 = new java.io.ByteArrayOutputStream();
    app1.write(0xFF);
    app1.write(0xE1);
    app1.write(len >>> 8);
    app1.write(len & 0xff);
    app1.writeBytes(new byte[] {'E', 'x', 'i', 'f', 0, 0});
    app1.writeBytes(body);
    int at = 2;
    if (!first && (jpeg[2] & 0xff) == 0xFF && (jpeg[3] & 0xff) == 0xE0) {
      at = 4 + ((jpeg[4] & 0xff) << 8 | (jpeg[5] & 0xff));
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(jpeg, 0, at);
    out.writeBytes(app1.toByteArray());
    out.write(jpeg, at, jpeg.length - at);
    return out.toByteArray();
  }

  private static void short16(java.io.ByteArrayOutputStream o, int v, boolean little) {
    o.write(little ? v & 0xff : v >>> 8 & 0xff);
    o.write(little ? v >>> 8 & 0xff : v & 0xff);
  }

  private static void int32(java.io.ByteArrayOutputStream o, int v, boolean little) {
    short16(o, little ? v & 0xffff : v >>> 16, little);
    short16(o, little ? v >>> 16 : v & 0xffff, little);
  }
}
