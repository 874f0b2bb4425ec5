package io.gainstream.bench;

/**
 * Time spent per step of the plain loop (column a′ of the throughput table), summed over images:
 * filled by {@link InProcessColumns#loop} and printed as the per-image cost table.
 */
final class Costs {
  long decode;
  long resize;
  long model;
  long threshold;
  long encode;
  long imageIoEncode;
  long imageIoSamples;

  /**
   * Dense-CRF refinement at its default settings, sampled like the ImageIO encoding (not part of
   * a′).
   */
  long crf;

  /** The random walk at its default settings, sampled with the CRF. */
  long walk;

  /** Images the CRF and the walk were sampled on. */
  long crfSamples;

  long pngBytes;
  long rawBytes;
  long images;

  double perImage(long nanos) {
    return images == 0 ? 0 : nanos / 1e3 / images;
  }
}
