package io.gainstream.model.input;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes untrusted image bytes with {@code javax.imageio}, safely: sizes come from the header and
 * are checked against {@link DecodeLimits} before decoding; truncated data (which ImageIO reports
 * only as a warning for JPEG) is an error; every failure is an {@link ImageDecodeException} with a
 * reason, never a {@code null} or a crash later on.
 */
public final class ImageDecoder {
  private ImageDecoder() {}

  /** Format and size of an image, read without decoding its pixels. */
  public record Header(String format, int width, int height) {}

  /** Reads and checks the header only. */
  public static Header header(byte[] bytes, DecodeLimits limits) {
    return withReader(bytes, limits, (reader, h) -> h);
  }

  /** Decodes as stored (palette, grey, 16-bit and alpha stay as they are). */
  public static BufferedImage decodeRaw(byte[] bytes, DecodeLimits limits) {
    return withReader(bytes, limits, ImageDecoder::read);
  }

  /**
   * Decodes to 8-bit RGB ({@code TYPE_INT_RGB}); grey is replicated, palettes expanded, 16-bit
   * reduced, alpha composited over black.
   */
  public static BufferedImage decodeRgb(byte[] bytes, DecodeLimits limits) {
    return toRgb(decodeRaw(bytes, limits));
  }

  /** The image in {@code TYPE_INT_RGB}; the same instance when it already is. */
  public static BufferedImage toRgb(BufferedImage img) {
    if (img.getType() == BufferedImage.TYPE_INT_RGB) {
      return img;
    }
    BufferedImage out = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.drawImage(img, 0, 0, null);
    } finally {
      g.dispose();
    }
    return out;
  }

  private interface ReaderAction<T> {
    T apply(ImageReader reader, Header header) throws IOException;
  }

  private static <T> T withReader(byte[] bytes, DecodeLimits limits, ReaderAction<T> action) {
    if (bytes == null || bytes.length == 0) {
      throw new ImageDecodeException(RejectReason.IMAGE_EMPTY, "image bytes are empty");
    }
    if (bytes.length > limits.maxBytes()) {
      throw new ImageDecodeException(
          RejectReason.IMAGE_TOO_LARGE,
          "image is " + bytes.length + " bytes, over the limit of " + limits.maxBytes());
    }
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new ImageDecodeException(
            RejectReason.IMAGE_UNDECODABLE, "not an image in a known format (first bytes " + firstBytes(bytes) + ")");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        String format = reader.getFormatName().toLowerCase(Locale.ROOT);
        int w;
        int h;
        try {
          w = reader.getWidth(0);
          h = reader.getHeight(0);
        } catch (IOException | RuntimeException e) {
          throw new ImageDecodeException(RejectReason.IMAGE_UNDECODABLE, format + " header is corrupt or truncated: " + e.getMessage(), e);
        }
        if (w <= 0 || h <= 0) {
          throw new ImageDecodeException(RejectReason.IMAGE_ZERO_SIZE, format + " declares size " + w + "x" + h);
        }
        long pixels = (long) w * h;
        if (pixels > limits.maxPixels()) {
          throw new ImageDecodeException(
              RejectReason.IMAGE_TOO_LARGE,
              format + " declares " + w + "x" + h + " = " + pixels + " pixels, over the limit of "
                  + limits.maxPixels());
        }
        return action.apply(reader, new Header(format, w, h));
      } finally {
        reader.dispose();
      }
    } catch (ImageDecodeException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new ImageDecodeException(RejectReason.IMAGE_UNDECODABLE, "image cannot be decoded: " + e.getMessage(), e);
    }
  }

  private static BufferedImage read(ImageReader reader, Header h) throws IOException {
    StringBuilder warnings = new StringBuilder();
    reader.addIIOReadWarningListener((source, warning) -> warnings.append(warning).append("; "));
    BufferedImage img;
    try {
      img = reader.read(0);
    } catch (IOException | RuntimeException e) {
      throw new ImageDecodeException(
          RejectReason.IMAGE_UNDECODABLE, h.format() + " data is corrupt or truncated: " + e.getMessage(), e);
    }
    if (warnings.length() > 0) {
      // ImageIO decodes a truncated JPEG with grey fill and only a warning: refuse it.
      throw new ImageDecodeException(
          RejectReason.IMAGE_UNDECODABLE, h.format() + " data is incomplete: " + warnings.toString().trim());
    }
    if (img == null) {
      throw new ImageDecodeException(RejectReason.IMAGE_UNDECODABLE, h.format() + " decoder returned no image");
    }
    return img;
  }

  private static String firstBytes(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < Math.min(4, b.length); i++) {
      s.append(String.format("%02x", b[i]));
    }
    return s.toString();
  }
}
