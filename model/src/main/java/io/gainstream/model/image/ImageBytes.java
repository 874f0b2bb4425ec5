package io.gainstream.model.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * An image encoded to bytes with ImageIO, for the places where speed does not matter: previews,
 * synthetic inputs, benchmarks and tests. Labels and masks use the faster {@link
 * io.gainstream.model.labels.PngWriter}.
 */
public final class ImageBytes {
  private ImageBytes() {}

  /**
   * @param format an ImageIO format name ({@code png}, {@code jpeg}, {@code bmp}, ...)
   * @throws IllegalStateException when ImageIO has no writer for this format and image type (it
   *     says so by returning false, which would otherwise leave an empty array)
   */
  public static byte[] encode(BufferedImage img, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(img, format, out)) {
        throw new IllegalStateException("no " + format + " writer for image type " + img.getType());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
