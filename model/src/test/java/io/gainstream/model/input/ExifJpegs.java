package io.gainstream.model.input;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;

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
   * A JPEG with an EXIF block whose IFD0 holds the camera's make and then {@code orientation}, in
   * the byte order a camera might write ({@code little}: "II", else "MM"), placed as cameras place
   * it: first after SOI ({@code first}), or after the encoder's JFIF APP0 segment, as editors that
   * keep both do.
   */
  public static byte[] tagged(byte[] jpeg, int orientation, boolean little, boolean first) {
    return withIfd0(
        jpeg,
        little,
        first,
        new int[][] {{0x010F, 2, 4, 'G' | 'S' << 8}, {0x0112, 3, 1, orientation}},
        2);
  }

  /**
   * A JPEG with an EXIF block of the given IFD0 entries ({@code {tag, type, count, value}}, the
   * value a SHORT in the field's first half, or for ASCII up to two bytes), declaring {@code
   * declared} entries (more than given: a count running past its segment).
   */
  public static byte[] withIfd0(
      byte[] jpeg, boolean little, boolean first, int[][] entries, int declared) {
    ByteArrayOutputStream tiff = new ByteArrayOutputStream();
    tiff.write(little ? 'I' : 'M');
    tiff.write(little ? 'I' : 'M');
    short16(tiff, 42, little);
    int32(tiff, 8, little); // IFD0 right after the header
    short16(tiff, declared, little);
    for (int[] e : entries) {
      short16(tiff, e[0], little);
      short16(tiff, e[1], little);
      int32(tiff, e[2], little);
      if (e[1] == 2) {
        tiff.write(e[3] & 0xff); // ASCII: bytes in order, whatever the byte order
        tiff.write(e[3] >>> 8 & 0xff);
        tiff.write(0);
        tiff.write(0);
      } else {
        short16(tiff, e[3], little);
        short16(tiff, 0, little); // the value field's other half
      }
    }
    int32(tiff, 0, little); // no next IFD
    byte[] body = tiff.toByteArray();
    int len = 2 + 6 + body.length;
    ByteArrayOutputStream app1 = new ByteArrayOutputStream();
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
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(jpeg, 0, at);
    out.writeBytes(app1.toByteArray());
    out.write(jpeg, at, jpeg.length - at);
    return out.toByteArray();
  }

  private static void short16(ByteArrayOutputStream o, int v, boolean little) {
    o.write(little ? v & 0xff : v >>> 8 & 0xff);
    o.write(little ? v >>> 8 & 0xff : v & 0xff);
  }

  private static void int32(ByteArrayOutputStream o, int v, boolean little) {
    short16(o, little ? v & 0xffff : v >>> 16, little);
    short16(o, little ? v >>> 16 : v & 0xffff, little);
  }
}
