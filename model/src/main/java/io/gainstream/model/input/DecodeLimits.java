package io.gainstream.model.input;

/**
 * Limits checked before any pixel is decoded: a tiny PNG can declare 100000×100000 pixels.
 *
 * @param maxBytes largest encoded image accepted
 * @param maxPixels largest width × height accepted, read from the header
 */
public record DecodeLimits(long maxBytes, long maxPixels) {
  public DecodeLimits {
    if (maxBytes < 1 || maxPixels < 1) {
      throw new IllegalArgumentException(
          "limits must be positive: maxBytes=" + maxBytes + ", maxPixels=" + maxPixels);
    }
  }

  /** 16 MiB and 40 megapixels. */
  public static DecodeLimits defaults() {
    return new DecodeLimits(16L << 20, 40_000_000L);
  }
}
