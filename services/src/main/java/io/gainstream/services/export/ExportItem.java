package io.gainstream.services.export;

/**
 * One labelled image as the exporters see it: decoupled from Kafka and protobuf so the dataset
 * writers stay pure file-format code that tests can drive with plain arrays.
 *
 * <p>The arrays are not copied (label maps can be large); callers must not change them while an
 * export runs. Record equality compares the arrays by reference.
 *
 * @param stem file name without extension, shared by every file written for this image
 * @param image the original encoded image bytes, copied as-is; null when unavailable
 * @param imageExtension extension of {@code image} without the dot (e.g. {@code png}, {@code jpg});
 *     required when {@code image} is given, may be null otherwise
 * @param width image width in pixels
 * @param height image height in pixels
 * @param classMap one byte per pixel, row-major: 0 background, {@code k} class {@code k} (1-based),
 *     255 ignore
 * @param classPng the same map as the VOC palette PNG the pipeline wrote, written as it is; null:
 *     encoded from {@code classMap}
 */
public record ExportItem(
    String stem,
    byte[] image,
    String imageExtension,
    int width,
    int height,
    byte[] classMap,
    byte[] classPng) {
  /** Class-map value of pixels that belong to no class and are not background. */
  public static final int IGNORE = 255;

  public ExportItem {
    if (stem == null
        || stem.isEmpty()
        || stem.equals(".")
        || stem.equals("..")
        || !plainName(stem)) {
      throw new IllegalArgumentException(
          "stem must be a plain file name without separators or line breaks, got '" + stem + "'");
    }
    if (imageExtension != null) {
      imageExtension =
          imageExtension.startsWith(".") ? imageExtension.substring(1) : imageExtension;
      if (imageExtension.isEmpty() || imageExtension.contains(".") || !plainName(imageExtension)) {
        throw new IllegalArgumentException(
            "bad image extension '" + imageExtension + "' for " + stem);
      }
    }
    if (image != null && imageExtension == null) {
      throw new IllegalArgumentException(
          "image bytes of " + stem + " need an extension to be written");
    }
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException(
          "size of " + stem + " must be positive, got " + width + "x" + height);
    }
    if (classMap == null || (long) width * height != classMap.length) {
      throw new IllegalArgumentException(
          "class map of "
              + stem
              + " must hold "
              + (long) width * height
              + " values, got "
              + (classMap == null ? "null" : classMap.length));
    }
  }

  /** An item whose label PNG is encoded from its class map. */
  public ExportItem(
      String stem, byte[] image, String imageExtension, int width, int height, byte[] classMap) {
    this(stem, image, imageExtension, width, height, classMap, null);
  }

  /** {@code stem.ext}, or {@code stem.png} when the extension is unknown. */
  public String fileName() {
    return stem + "." + (imageExtension == null ? "png" : imageExtension);
  }

  private static boolean plainName(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '/' || c == '\\' || c < 0x20 || c == 0x7f) {
        return false;
      }
    }
    return true;
  }
}
