package io.gainstream.model.input;

import java.awt.Graphics2D;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.w3c.dom.Node;

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
    return img.getType() == BufferedImage.TYPE_INT_RGB
        ? img
        : drawnAs(img, BufferedImage.TYPE_INT_RGB);
  }

  /**
   * A new image of {@code type} with the image drawn into it: grey replicated, palettes expanded,
   * 16-bit reduced, alpha composited over black, as Java2D converts them.
   */
  public static BufferedImage drawnAs(BufferedImage img, int type) {
    BufferedImage out = new BufferedImage(img.getWidth(), img.getHeight(), type);
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
    if (declaresZeroSizePng(bytes)) {
      throw new ImageDecodeException(
          RejectReason.IMAGE_ZERO_SIZE,
          "png declares size " + pngInt(bytes, 16) + "x" + pngInt(bytes, 20));
    }
    // In memory: ImageIO.createImageInputStream would cache the stream in a temporary file.
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new ImageDecodeException(
            RejectReason.IMAGE_UNDECODABLE,
            unsupported(bytes)
                .map(f -> f + ", which this build cannot decode: convert it to JPEG or PNG")
                .orElse("not an image in a known format (first bytes " + firstBytes(bytes) + ")"));
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
          throw new ImageDecodeException(
              RejectReason.IMAGE_UNDECODABLE,
              format + " header is corrupt or truncated: " + e.getMessage(),
              e);
        }
        if (w <= 0 || h <= 0) {
          throw new ImageDecodeException(
              RejectReason.IMAGE_ZERO_SIZE, format + " declares size " + w + "x" + h);
        }
        long pixels = (long) w * h;
        if (pixels > limits.maxPixels()) {
          throw new ImageDecodeException(
              RejectReason.IMAGE_TOO_LARGE,
              format
                  + " declares "
                  + w
                  + "x"
                  + h
                  + " = "
                  + pixels
                  + " pixels, over the limit of "
                  + limits.maxPixels());
        }
        return action.apply(reader, new Header(format, w, h));
      } finally {
        reader.dispose();
      }
    } catch (ImageDecodeException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new ImageDecodeException(
          RejectReason.IMAGE_UNDECODABLE, "image cannot be decoded: " + e.getMessage(), e);
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
          RejectReason.IMAGE_UNDECODABLE,
          h.format() + " data is corrupt or truncated: " + e.getMessage(),
          e);
    }
    if (warnings.length() > 0) {
      // ImageIO decodes a truncated JPEG with grey fill and only a warning: refuse it.
      throw new ImageDecodeException(
          RejectReason.IMAGE_UNDECODABLE,
          h.format() + " data is incomplete: " + warnings.toString().trim());
    }
    if (img == null) {
      throw new ImageDecodeException(
          RejectReason.IMAGE_UNDECODABLE, h.format() + " decoder returned no image");
    }
    if (img.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_CMYK) {
      // the decoded image's samples are already remapped; the raw raster holds the file's values
      return cmykToRgb(reader.readRaster(0, null), adobeMarker(reader));
    }
    return img;
  }

  /**
   * CMYK JPEGs decode to a CMYK raster that Java2D draws as black, so they are converted here with
   * the naive formula {@code R = (1 − C)(1 − K)} (no ICC profile: close enough for attention maps).
   * Files with an Adobe APP14 marker (Photoshop and most CMYK writers) store the channels inverted.
   */
  static BufferedImage cmykToRgb(Raster r, boolean inverted) {
    int w = r.getWidth();
    int h = r.getHeight();
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    int[] px = new int[4];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        r.getPixel(r.getMinX() + x, r.getMinY() + y, px);
        int c = inverted ? px[0] : 255 - px[0];
        int m = inverted ? px[1] : 255 - px[1];
        int yy = inverted ? px[2] : 255 - px[2];
        int k = inverted ? px[3] : 255 - px[3];
        out.setRGB(x, y, ((c * k / 255) << 16) | ((m * k / 255) << 8) | (yy * k / 255));
      }
    }
    return out;
  }

  private static boolean adobeMarker(ImageReader reader) {
    try {
      IIOMetadata md = reader.getImageMetadata(0);
      String format = md == null ? null : md.getNativeMetadataFormatName();
      return format != null && hasNode(md.getAsTree(format), "app14Adobe");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static boolean hasNode(Node n, String name) {
    if (name.equals(n.getNodeName())) {
      return true;
    }
    for (Node c = n.getFirstChild(); c != null; c = c.getNextSibling()) {
      if (hasNode(c, name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The formats phones and the web hand people that ImageIO cannot read, by their magic bytes: an
   * iPhone saves HEIC by default and a browser WebP, and "not an image" would send a user looking
   * for a broken file.
   */
  static Optional<String> unsupported(byte[] b) {
    if (b.length >= 12 && ascii(b, 0, "RIFF") && ascii(b, 8, "WEBP")) {
      return Optional.of("WebP");
    }
    if (b.length >= 12 && ascii(b, 4, "ftyp")) {
      String brand = new String(b, 8, 4, StandardCharsets.US_ASCII);
      if (brand.equals("avif") || brand.equals("avis")) {
        return Optional.of("AVIF");
      }
      if (HEIF_BRANDS.contains(brand)) {
        return Optional.of("HEIC/HEIF");
      }
    }
    if (b.length >= 12
        && b[0] == 0
        && b[1] == 0
        && b[2] == 0
        && b[3] == 0x0C
        && ascii(b, 4, "jP  ")) {
      return Optional.of("JPEG 2000");
    }
    return Optional.empty();
  }

  /**
   * Major brands of HEIF files (ISO/IEC 23008-12); an AVIF may also carry mif1 and reads as HEIF.
   */
  private static final Set<String> HEIF_BRANDS =
      Set.of("heic", "heix", "hevc", "hevx", "heim", "heis", "hevm", "hevs", "mif1", "msf1");

  private static boolean ascii(byte[] b, int at, String s) {
    for (int i = 0; i < s.length(); i++) {
      if (b[at + i] != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** ImageIO refuses a PNG header with a zero side as corrupt; it deserves its own reason. */
  private static boolean declaresZeroSizePng(byte[] b) {
    return b.length >= 24
        && (b[0] & 0xff) == 0x89
        && b[1] == 'P'
        && b[2] == 'N'
        && b[3] == 'G'
        && b[12] == 'I'
        && b[13] == 'H'
        && b[14] == 'D'
        && b[15] == 'R'
        && (pngInt(b, 16) == 0 || pngInt(b, 20) == 0);
  }

  private static int pngInt(byte[] b, int at) {
    return ((b[at] & 0xff) << 24)
        | ((b[at + 1] & 0xff) << 16)
        | ((b[at + 2] & 0xff) << 8)
        | (b[at + 3] & 0xff);
  }

  private static String firstBytes(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < Math.min(4, b.length); i++) {
      s.append(String.format("%02x", b[i]));
    }
    return s.toString();
  }
}
