package io.gainstream.model.input;

/**
 * The EXIF orientation tag of a JPEG, read from its bytes, and a copy of the bytes with the tag
 * cleared.
 *
 * <p>A phone stores a portrait photo as a landscape frame and an orientation tag (6: turn it 90°
 * clockwise) that viewers, browsers and some loaders apply ({@code cv2.imread}, PIL's {@code
 * exif_transpose}) and others do not (ImageIO, PIL's {@code Image.open}, torchvision's {@code
 * read_image}, COCO's and VOC's tools). gainstream labels the pixels as stored, as the dataset
 * tools do, so a label and its image agree only for readers that ignore the tag: the export writes
 * the image with the tag cleared (set to 1, "as stored"; one 16-bit value rewritten, nothing
 * re-encoded), so that every reader shows the pixels the label was made for; and a user is told
 * when a folder holds such photos, because a viewer shows them turned.
 */
public final class ExifOrientation {
  /** The value of "as stored": no tag, or a tag that says so. */
  public static final int AS_STORED = 1;

  private static final int TAG = 0x0112;
  private static final int TYPE_SHORT = 3;

  private ExifOrientation() {}

  /**
   * The orientation a JPEG's EXIF block declares, 1 to 8; {@link #AS_STORED} for any other image, a
   * JPEG without the tag, or a tag that cannot be read (a malformed block is ignored, never an
   * error: the pixels decode without it).
   */
  public static int of(byte[] bytes) {
    Found f = find(bytes);
    if (f == null) {
      return AS_STORED;
    }
    int v = short16(bytes, f.at(), f.little());
    return v >= 1 && v <= 8 ? v : AS_STORED;
  }

  /** Whether an orientation turns the image by a quarter (5 to 8): its sides swap on screen. */
  public static boolean swapsSides(int orientation) {
    return orientation >= 5 && orientation <= 8;
  }

  /**
   * The bytes with the orientation tag set to {@link #AS_STORED}: the same array when there is
   * nothing to clear, otherwise a copy differing in that one value.
   */
  public static byte[] cleared(byte[] bytes) {
    Found f = find(bytes);
    int v = f == null ? AS_STORED : short16(bytes, f.at(), f.little());
    if (v < 2 || v > 8) {
      return bytes;
    }
    byte[] out = bytes.clone();
    out[f.at()] = (byte) (f.little() ? AS_STORED : 0);
    out[f.at() + 1] = (byte) (f.little() ? 0 : AS_STORED);
    return out;
  }

  /** Where the tag's 16-bit value is, and its block's byte order. */
  private record Found(int at, boolean little) {}

  /**
   * The orientation value (a SHORT) in IFD0 of the first EXIF APP1 segment, or null. Walks the
   * JPEG's marker segments up to the start of the scan, bounds-checked at every read.
   */
  private static Found find(byte[] b) {
    if (b == null || b.length < 4 || (b[0] & 0xff) != 0xFF || (b[1] & 0xff) != 0xD8) {
      return null;
    }
    int p = 2;
    while (p + 4 <= b.length) {
      if ((b[p] & 0xff) != 0xFF) {
        return null;
      }
      int marker = b[p + 1] & 0xff;
      if (marker == 0xFF) {
        p++; // fill byte
        continue;
      }
      if (marker == 0xD9 || marker == 0xDA) {
        return null; // end of image, start of scan: no metadata after this
      }
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
        p += 2; // standalone markers carry no length
        continue;
      }
      int len = short16(b, p + 2, false);
      int data = p + 4;
      int end = p + 2 + len;
      if (len < 2 || end > b.length) {
        return null;
      }
      if (marker == 0xE1 && isExif(b, data, end)) {
        return inIfd0(b, data + 6, end);
      }
      p = end;
    }
    return null;
  }

  private static boolean isExif(byte[] b, int data, int end) {
    return end - data >= 14
        && b[data] == 'E'
        && b[data + 1] == 'x'
        && b[data + 2] == 'i'
        && b[data + 3] == 'f'
        && b[data + 4] == 0
        && b[data + 5] == 0;
  }

  private static Found inIfd0(byte[] b, int tiff, int end) {
    boolean little;
    if (b[tiff] == 'I' && b[tiff + 1] == 'I') {
      little = true;
    } else if (b[tiff] == 'M' && b[tiff + 1] == 'M') {
      little = false;
    } else {
      return null;
    }
    if (short16(b, tiff + 2, little) != 42) {
      return null;
    }
    long ifd = tiff + int32(b, tiff + 4, little);
    if (ifd + 2 > end) {
      return null;
    }
    int entries = short16(b, (int) ifd, little);
    for (int i = 0; i < entries; i++) {
      long e = ifd + 2 + 12L * i;
      if (e + 12 > end) {
        return null;
      }
      int at = (int) e;
      if (short16(b, at, little) == TAG) {
        boolean one = short16(b, at + 2, little) == TYPE_SHORT && int32(b, at + 4, little) == 1;
        return one ? new Found(at + 8, little) : null;
      }
    }
    return null;
  }

  private static int short16(byte[] b, int at, boolean little) {
    int x = b[at] & 0xff;
    int y = b[at + 1] & 0xff;
    return little ? x | y << 8 : x << 8 | y;
  }

  private static long int32(byte[] b, int at, boolean little) {
    long v = 0;
    for (int i = 0; i < 4; i++) {
      int k = little ? 3 - i : i;
      v = v << 8 | (b[at + k] & 0xff);
    }
    return v;
  }
}
