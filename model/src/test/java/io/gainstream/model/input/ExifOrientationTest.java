package io.gainstream.model.input;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ExifOrientationTest {
  private static final byte[] JPEG = ExifJpegs.jpeg(32, 16);

  @Test
  void shouldReadEveryOrientationInEitherByteOrderWhereverTheBlockSits() {
    for (int o = 1; o <= 8; o++) {
      for (boolean little : new boolean[] {true, false}) {
        for (boolean first : new boolean[] {true, false}) {
          byte[] tagged = ExifJpegs.tagged(JPEG, o, little, first);
          assertThat(ExifOrientation.of(tagged))
              .as("o=%d little=%s first=%s", o, little, first)
              .isEqualTo(o);
        }
      }
    }
  }

  @Test
  void shouldSayAsStoredForImagesWithoutTheTagAndForBlocksItCannotRead() {
    assertThat(ExifOrientation.of(JPEG)).isEqualTo(ExifOrientation.AS_STORED);
    assertThat(
            ExifOrientation.of(
                TestImages.encode(TestImages.pattern(8, 8, BufferedImage.TYPE_INT_RGB), "png")))
        .isEqualTo(ExifOrientation.AS_STORED);
    assertThat(ExifOrientation.of(new byte[0])).isEqualTo(ExifOrientation.AS_STORED);
    assertThat(ExifOrientation.of(null)).isEqualTo(ExifOrientation.AS_STORED);
    byte[] tagged = ExifJpegs.tagged(JPEG, 6, true, true);
    // a value no orientation has
    byte[] nine = ExifJpegs.tagged(JPEG, 9, true, true);
    assertThat(ExifOrientation.of(nine)).isEqualTo(ExifOrientation.AS_STORED);
    // the APP1 segment's length running past the end of the file, at every cut inside the block
    int blockEnd = 2 + 2 + ((tagged[4] & 0xff) << 8 | (tagged[5] & 0xff));
    assertThat(ExifOrientation.of(Arrays.copyOf(tagged, blockEnd))).isEqualTo(6);
    for (int cut = 5; cut < blockEnd; cut++) {
      assertThat(ExifOrientation.of(Arrays.copyOf(tagged, cut)))
          .isEqualTo(ExifOrientation.AS_STORED);
    }
    // IFD0's offset pointing past its segment
    byte[] far = tagged.clone();
    far[2 + 4 + 6 + 4] = (byte) 0xF0;
    assertThat(ExifOrientation.of(far)).isEqualTo(ExifOrientation.AS_STORED);
  }

  @Test
  void shouldIgnoreAnIfdWhoseCountRunsPastItsSegmentOrWhoseTagIsNotOneShort() {
    int[][] make = {{0x010F, 2, 4, 'G' | 'S' << 8}};
    // 65535 entries declared, one written, no orientation among them
    assertThat(ExifOrientation.of(ExifJpegs.withIfd0(JPEG, true, true, make, 0xFFFF)))
        .isEqualTo(ExifOrientation.AS_STORED);
    // the tag as a LONG, or as two SHORTs: not the orientation a reader would apply
    int[][] asLong = {{0x0112, 4, 1, 6}};
    int[][] twoShorts = {{0x0112, 3, 2, 6}};
    assertThat(ExifOrientation.of(ExifJpegs.withIfd0(JPEG, false, true, asLong, 1)))
        .isEqualTo(ExifOrientation.AS_STORED);
    assertThat(ExifOrientation.of(ExifJpegs.withIfd0(JPEG, false, true, twoShorts, 1)))
        .isEqualTo(ExifOrientation.AS_STORED);
  }

  @Test
  void shouldNeverThrowWhateverTheBytes() {
    java.util.Random r = new java.util.Random(7);
    byte[] tagged = ExifJpegs.tagged(JPEG, 6, true, true);
    for (int i = 0; i < 20_000; i++) {
      byte[] b = Arrays.copyOf(tagged, 8 + r.nextInt(60));
      for (int k = 0; k < 1 + r.nextInt(4); k++) {
        b[2 + r.nextInt(b.length - 2)] = (byte) r.nextInt(256);
      }
      int o = ExifOrientation.of(b);
      assertThat(o).isBetween(1, 8);
      assertThat(ExifOrientation.of(ExifOrientation.cleared(b)))
          .isEqualTo(ExifOrientation.AS_STORED);
    }
  }

  @Test
  void shouldClearTheTagToExactlyTheBytesOfAnAsStoredTagInEitherByteOrder() {
    for (boolean little : new boolean[] {true, false}) {
      for (boolean first : new boolean[] {true, false}) {
        assertThat(ExifOrientation.cleared(ExifJpegs.tagged(JPEG, 6, little, first)))
            .isEqualTo(ExifJpegs.tagged(JPEG, 1, little, first));
      }
    }
  }

  @Test
  void shouldClearTheTagInOneValueAndLeaveEveryOtherByte() {
    byte[] tagged = ExifJpegs.tagged(JPEG, 6, false, false);
    byte[] cleared = ExifOrientation.cleared(tagged);
    assertThat(ExifOrientation.of(cleared)).isEqualTo(ExifOrientation.AS_STORED);
    assertThat(cleared).hasSameSizeAs(tagged);
    int differing = 0;
    for (int i = 0; i < tagged.length; i++) {
      differing += tagged[i] != cleared[i] ? 1 : 0;
    }
    assertThat(differing).isEqualTo(1); // 0x0006 → 0x0001, big-endian: the low byte
    assertThat(ExifOrientation.of(tagged)).as("the input is not changed").isEqualTo(6);
    assertThat(ExifOrientation.cleared(JPEG)).isSameAs(JPEG);
  }

  @Test
  void shouldDecodeATaggedJpegAsStoredWhateverItsOrientation() {
    BufferedImage plain = ImageDecoder.decodeRgb(JPEG, DecodeLimits.defaults());
    for (boolean first : new boolean[] {true, false}) {
      byte[] tagged = ExifJpegs.tagged(JPEG, 6, true, first);
      BufferedImage img = ImageDecoder.decodeRgb(tagged, DecodeLimits.defaults());
      assertThat(img.getWidth()).isEqualTo(32);
      assertThat(img.getHeight()).isEqualTo(16);
      assertThat(img.getRGB(0, 0, 32, 16, null, 0, 32))
          .isEqualTo(plain.getRGB(0, 0, 32, 16, null, 0, 32));
    }
    assertThat(ExifOrientation.swapsSides(6)).isTrue();
    assertThat(ExifOrientation.swapsSides(3)).isFalse();
  }
}
