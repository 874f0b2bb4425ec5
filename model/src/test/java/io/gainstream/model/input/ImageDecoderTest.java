package io.gainstream.model.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {
  private static final DecodeLimits LIMITS = DecodeLimits.defaults();

  private static void assertRejected(byte[] bytes, RejectReason reason, String messagePart) {
    assertThatThrownBy(() -> ImageDecoder.decodeRgb(bytes, LIMITS))
        .isInstanceOf(ImageDecodeException.class)
        .hasMessageContaining(messagePart)
        .satisfies(e -> assertThat(((InvalidInputException) e).reason()).isEqualTo(reason));
  }

  @Test
  void shouldRejectEmptyBytes() {
    assertRejected(new byte[0], RejectReason.IMAGE_EMPTY, "empty");
  }

  @Test
  void shouldRejectBytesThatAreNoImage() {
    assertRejected(
        "hello, not an image".getBytes(), RejectReason.IMAGE_UNDECODABLE, "not an image");
  }

  @Test
  void shouldNameTheFormatsPhonesAndBrowsersSaveThatThisBuildCannotDecode() {
    byte[] webp = {'R', 'I', 'F', 'F', 40, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', ' '};
    assertRejected(
        webp,
        RejectReason.IMAGE_UNDECODABLE,
        "WebP, which this build cannot decode: convert it to JPEG or PNG");
    for (String brand : List.of("heic", "mif1")) {
      byte[] heic = {0, 0, 0, 24, 'f', 't', 'y', 'p', 0, 0, 0, 0, 0, 0, 0, 0};
      System.arraycopy(brand.getBytes(StandardCharsets.US_ASCII), 0, heic, 8, 4);
      assertRejected(heic, RejectReason.IMAGE_UNDECODABLE, "HEIC/HEIF, which this build");
    }
    byte[] avif = {0, 0, 0, 28, 'f', 't', 'y', 'p', 'a', 'v', 'i', 'f', 0, 0, 0, 0};
    assertRejected(
        avif,
        RejectReason.IMAGE_UNDECODABLE,
        "AVIF, which this build cannot decode: convert it to JPEG or PNG");
    byte[] jp2 = {0, 0, 0, 12, 'j', 'P', ' ', ' ', 13, 10, (byte) 0x87, 10, 0, 0, 0, 20};
    assertRejected(jp2, RejectReason.IMAGE_UNDECODABLE, "JPEG 2000, which this build");
    // an MP4 video shares the container but is no photo format: the general reason
    byte[] mp4 = {0, 0, 0, 24, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm', 0, 0, 0, 0};
    assertRejected(mp4, RejectReason.IMAGE_UNDECODABLE, "not an image in a known format");
  }

  @Test
  void shouldRejectTruncatedPng() {
    byte[] png = TestImages.encode(TestImages.pattern(40, 40, BufferedImage.TYPE_INT_RGB), "png");
    assertRejected(Arrays.copyOf(png, png.length / 2), RejectReason.IMAGE_UNDECODABLE, "png");
  }

  @Test
  void shouldRejectTruncatedJpegInsteadOfDecodingGreyFill() {
    byte[] jpg = TestImages.encode(TestImages.pattern(64, 64, BufferedImage.TYPE_INT_RGB), "jpeg");
    assertRejected(Arrays.copyOf(jpg, jpg.length * 2 / 3), RejectReason.IMAGE_UNDECODABLE, "jpeg");
  }

  @Test
  void shouldRejectDecompressionBombFromItsHeaderBeforeDecoding() {
    byte[] bomb = TestImages.pngDeclaring(100_000, 100_000);
    assertThat(bomb.length).isLessThan(200);
    assertRejected(bomb, RejectReason.IMAGE_TOO_LARGE, "100000x100000");
  }

  @Test
  void shouldRejectAPngDeclaringAZeroSide() {
    assertRejected(TestImages.pngDeclaring(0, 10), RejectReason.IMAGE_ZERO_SIZE, "0x10");
    assertRejected(TestImages.pngDeclaring(7, 0), RejectReason.IMAGE_ZERO_SIZE, "7x0");
  }

  @Test
  void shouldRejectImagesOverTheByteLimit() {
    byte[] png = TestImages.encode(TestImages.pattern(40, 40, BufferedImage.TYPE_INT_RGB), "png");
    assertThatThrownBy(() -> ImageDecoder.decodeRgb(png, new DecodeLimits(100, 1000)))
        .isInstanceOf(ImageDecodeException.class)
        .hasMessageContaining("over the limit of 100");
  }

  @Test
  void shouldReadTheHeaderWithoutDecoding() {
    byte[] png = TestImages.encode(TestImages.pattern(30, 20, BufferedImage.TYPE_INT_RGB), "png");
    ImageDecoder.Header h = ImageDecoder.header(png, LIMITS);
    assertThat(h.format()).isEqualTo("png");
    assertThat(h.width()).isEqualTo(30);
    assertThat(h.height()).isEqualTo(20);
  }

  @Test
  void shouldDecodeGreyPaletteSixteenBitAndAlphaPngsToRgb() {
    BufferedImage gray = TestImages.pattern(8, 8, BufferedImage.TYPE_BYTE_GRAY);
    BufferedImage gray16 = TestImages.pattern(8, 8, BufferedImage.TYPE_USHORT_GRAY);
    BufferedImage alpha = TestImages.pattern(8, 8, BufferedImage.TYPE_INT_ARGB);
    byte[] r = new byte[256];
    byte[] g = new byte[256];
    byte[] b = new byte[256];
    r[1] = (byte) 200;
    BufferedImage palette =
        new BufferedImage(
            8, 8, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 256, r, g, b));
    palette.getRaster().setSample(3, 3, 0, 1);
    for (BufferedImage img : new BufferedImage[] {gray, gray16, alpha, palette}) {
      BufferedImage out = ImageDecoder.decodeRgb(TestImages.encode(img, "png"), LIMITS);
      assertThat(out.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
      assertThat(out.getWidth()).isEqualTo(8);
    }
    BufferedImage decodedPalette =
        ImageDecoder.decodeRgb(TestImages.encode(palette, "png"), LIMITS);
    assertThat(decodedPalette.getRGB(3, 3) & 0xffffff).isEqualTo(0xC80000);
    BufferedImage decodedAlpha = ImageDecoder.decodeRgb(TestImages.encode(alpha, "png"), LIMITS);
    assertThat(decodedAlpha.getRGB(2, 1) & 0xffffff).isEqualTo(alpha.getRGB(2, 1) & 0xffffff);
  }

  @Test
  void shouldDecodeAJpeg() {
    byte[] jpg = TestImages.encode(TestImages.pattern(32, 16, BufferedImage.TYPE_INT_RGB), "jpeg");
    BufferedImage out = ImageDecoder.decodeRgb(jpg, LIMITS);
    assertThat(out.getWidth()).isEqualTo(32);
    assertThat(out.getHeight()).isEqualTo(16);
  }

  @Test
  void shouldDecodeACmykJpegToItsColoursNotBlack() {
    BufferedImage red =
        ImageDecoder.decodeRgb(TestImages.cmykJpeg(16, 8, new int[] {0, 255, 255, 0}), LIMITS);
    assertThat(red.getWidth()).isEqualTo(16);
    int rgb = red.getRGB(5, 5);
    assertThat((rgb >> 16) & 0xff).isGreaterThan(200);
    assertThat((rgb >> 8) & 0xff).isLessThan(60);
    assertThat(rgb & 0xff).isLessThan(60);
    BufferedImage grey =
        ImageDecoder.decodeRgb(TestImages.cmykJpeg(8, 8, new int[] {0, 0, 0, 128}), LIMITS);
    assertThat((grey.getRGB(3, 3) >> 8) & 0xff).isBetween(100, 155);
  }

  @Test
  void shouldConvertAdobeInvertedCmyk() {
    java.awt.image.WritableRaster r =
        java.awt.image.Raster.createInterleavedRaster(
            java.awt.image.DataBuffer.TYPE_BYTE, 1, 1, 4, null);
    r.setPixel(
        0, 0, new int[] {255, 0, 0, 255}); // inverted: no cyan, full magenta and yellow, no black
    assertThat(ImageDecoder.cmykToRgb(r, true).getRGB(0, 0) & 0xffffff).isEqualTo(0xff0000);
    assertThat(ImageDecoder.cmykToRgb(r, false).getRGB(0, 0) & 0xffffff).isEqualTo(0x000000);
  }
}
