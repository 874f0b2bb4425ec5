package io.gainstream.model.labels;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A minimal encoder for 8-bit single-channel PNGs (grey or palette), written because ImageIO's PNG
 * writer was the largest per-image cost of the pipeline after decoding: it builds a {@code
 * BufferedImage}, walks it pixel by pixel and tries every row filter. Label maps and masks are flat
 * or smooth, so one fixed filter and a fast deflate level compress them almost as well at a
 * fraction of the time (figures in docs/PERFORMANCE.md).
 *
 * <p>Grey images use the Sub filter (smooth soft masks shrink well with it); palette images use no
 * filter, as the PNG specification recommends for indexed colour. Any PNG reader decodes the
 * output; tests read it back with ImageIO.
 */
public final class PngWriter {
  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  private static final int COLOR_GREY = 0;
  private static final int COLOR_PALETTE = 3;
  private static final int FILTER_NONE = 0;
  private static final int FILTER_SUB = 1;

  /** Deflate level used by the pipeline: fastest, and within a few percent of the default size. */
  public static final int DEFAULT_LEVEL = Deflater.BEST_SPEED;

  private PngWriter() {}

  /** 8-bit grey PNG. */
  public static byte[] grey(byte[] values, int width, int height, int level) {
    return encode(values, width, height, null, level);
  }

  /**
   * 8-bit palette PNG.
   *
   * @param rgb palette entries as {@code r, g, b} triples (at most 256)
   */
  public static byte[] palette(byte[] values, int width, int height, byte[] rgb, int level) {
    if (rgb.length % 3 != 0 || rgb.length == 0 || rgb.length > 768) {
      throw new IllegalArgumentException(
          "a palette holds 1 to 256 RGB triples, got " + rgb.length + " bytes");
    }
    return encode(values, width, height, rgb, level);
  }

  private static byte[] encode(byte[] values, int width, int height, byte[] palette, int level) {
    if (width < 1 || height < 1 || (long) width * height != values.length) {
      throw new IllegalArgumentException(
          values.length + " values do not make a " + width + "x" + height + " image");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(values.length / 8 + 256);
    out.writeBytes(SIGNATURE);
    byte[] ihdr = new byte[13];
    putInt(ihdr, 0, width);
    putInt(ihdr, 4, height);
    ihdr[8] = 8;
    ihdr[9] = (byte) (palette == null ? COLOR_GREY : COLOR_PALETTE);
    chunk(out, "IHDR", ihdr, ihdr.length);
    if (palette != null) {
      chunk(out, "PLTE", palette, palette.length);
    }
    byte[] idat =
        deflate(filtered(values, width, height, palette == null ? FILTER_SUB : FILTER_NONE), level);
    chunk(out, "IDAT", idat, idat.length);
    chunk(out, "IEND", new byte[0], 0);
    return out.toByteArray();
  }

  /** Scanlines, each prefixed by its filter type byte. */
  private static byte[] filtered(byte[] v, int width, int height, int filter) {
    byte[] raw = new byte[height * (width + 1)];
    for (int y = 0; y < height; y++) {
      int src = y * width;
      int dst = y * (width + 1);
      raw[dst] = (byte) filter;
      if (filter == FILTER_SUB) {
        raw[dst + 1] = v[src];
        for (int x = 1; x < width; x++) {
          raw[dst + 1 + x] = (byte) (v[src + x] - v[src + x - 1]);
        }
      } else {
        System.arraycopy(v, src, raw, dst + 1, width);
      }
    }
    return raw;
  }

  /**
   * One deflater per thread and level, reset between images: a new {@code Deflater} allocates and
   * clears its native window and hash tables, and the threshold stage writes five PNGs per image.
   */
  private static final ThreadLocal<Deflater[]> DEFLATERS =
      ThreadLocal.withInitial(() -> new Deflater[10]);

  private static byte[] deflate(byte[] raw, int level) {
    if (level < Deflater.DEFAULT_COMPRESSION || level > Deflater.BEST_COMPRESSION) {
      throw new IllegalArgumentException("deflate level must be -1..9, got " + level);
    }
    Deflater[] mine = DEFLATERS.get();
    int slot = level < 0 ? 6 : level;
    if (mine[slot] == null) {
      mine[slot] = new Deflater(slot);
    }
    Deflater d = mine[slot];
    try {
      d.setInput(raw);
      d.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 8 + 64);
      byte[] buf = new byte[8192];
      while (!d.finished()) {
        int n = d.deflate(buf);
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    } finally {
      d.reset();
    }
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data, int length) {
    byte[] head = new byte[8];
    putInt(head, 0, length);
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(t, 0, head, 4, 4);
    out.write(head, 0, 8);
    out.write(data, 0, length);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data, 0, length);
    byte[] c = new byte[4];
    putInt(c, 0, (int) crc.getValue());
    out.write(c, 0, 4);
  }

  private static void putInt(byte[] b, int off, int v) {
    b[off] = (byte) (v >>> 24);
    b[off + 1] = (byte) (v >>> 16);
    b[off + 2] = (byte) (v >>> 8);
    b[off + 3] = (byte) v;
  }
}
