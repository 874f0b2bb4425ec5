package io.gainstream.model.input;

import io.gainstream.model.image.ImageBytes;
import java.awt.image.BufferedImage;
import java.util.zip.CRC32;

/** Encoded test images of every awkward kind, built in memory. */
final class TestImages {
  private TestImages() {}

  static byte[] encode(BufferedImage img, String format) {
    return ImageBytes.encode(img, format);
  }

  static BufferedImage pattern(int w, int h, int type) {
    BufferedImage img = new BufferedImage(w, h, type);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, ((x * 8) & 0xff) << 16 | ((y * 8) & 0xff) << 8 | 0x40 | 0xff000000);
      }
    }
    return img;
  }

  /** A valid small PNG whose IHDR is patched to declare {@code w × h} (CRC fixed up). */
  static byte[] pngDeclaring(int w, int h) {
    byte[] png = encode(pattern(4, 4, BufferedImage.TYPE_INT_RGB), "png");
    // signature (8) + length (4) + "IHDR" (4) → width at 16, height at 20, CRC after 13 data bytes
    putInt(png, 16, w);
    putInt(png, 20, h);
    CRC32 crc = new CRC32();
    crc.update(png, 12, 17);
    putInt(png, 29, (int) crc.getValue());
    return png;
  }

  private static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }

  /** A JPEG stored as CMYK (four channels, no Adobe marker), every pixel {@code cmyk}. */
  static byte[] cmykJpeg(int w, int h, int[] cmyk) {
    java.awt.image.WritableRaster r =
        java.awt.image.Raster.createInterleavedRaster(
            java.awt.image.DataBuffer.TYPE_BYTE, w, h, 4, null);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        r.setPixel(x, y, cmyk);
      }
    }
    javax.imageio.ImageWriter writer =
        javax.imageio.ImageIO.getImageWritersByFormatName("jpeg").next();
    java.io.ByteArrayOutputStream bos = new java.io.ByteArrayOutputStream();
    try (javax.imageio.stream.ImageOutputStream out =
        javax.imageio.ImageIO.createImageOutputStream(bos)) {
      writer.setOutput(out);
      writer.write(new javax.imageio.IIOImage(r, null, null));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return bos.toByteArray();
  }
}
