package io.gainstream.topology.internals;

import static org.assertj.core.api.Assertions.assertThat;

import io.gainstream.model.input.DecodeLimits;
import io.gainstream.model.input.ExifJpegs;
import io.gainstream.model.input.InvalidMaskException;
import io.gainstream.model.input.RejectReason;
import io.gainstream.model.labels.LabelPng;
import org.junit.jupiter.api.Test;

class ValidateProcessorTest {
  private static final DecodeLimits LIMITS = DecodeLimits.defaults();
  private static final InvalidMaskException WRONG_SIZE =
      new InvalidMaskException(
          RejectReason.MASK_WRONG_SIZE, "pixel label is 20x40, its image is 40x20");
  private static final byte[] SWAPPED = LabelPng.writePalette(new byte[20 * 40], 20, 40);

  @Test
  void shouldSayAMaskOfTheSwappedSizeWasDrawnOnTheTurnedViewOfAPhotoTaggedToTurn() {
    byte[] turned = ExifJpegs.tagged(ExifJpegs.jpeg(40, 20), 6, false, true);
    InvalidMaskException e =
        ValidateProcessor.turnedHint(WRONG_SIZE, turned, SWAPPED, 40, 20, LIMITS);
    assertThat(e.reason()).isEqualTo(RejectReason.MASK_WRONG_SIZE);
    assertThat(e.getMessage())
        .startsWith("pixel label is 20x40, its image is 40x20")
        .contains("EXIF orientation 6")
        .contains("draw the mask on the image unturned");
  }

  @Test
  void shouldLeaveTheReasonAsItIsWhereTheTagOrTheSizesDoNotSayTurned() {
    byte[] turned = ExifJpegs.tagged(ExifJpegs.jpeg(40, 20), 8, true, true);
    // a mask of some other size: not the turned view
    byte[] other = LabelPng.writePalette(new byte[30 * 30], 30, 30);
    assertThat(ValidateProcessor.turnedHint(WRONG_SIZE, turned, other, 40, 20, LIMITS))
        .isSameAs(WRONG_SIZE);
    // upside down or not tagged: the sides do not swap
    byte[] upsideDown = ExifJpegs.tagged(ExifJpegs.jpeg(40, 20), 3, true, true);
    assertThat(ValidateProcessor.turnedHint(WRONG_SIZE, upsideDown, SWAPPED, 40, 20, LIMITS))
        .isSameAs(WRONG_SIZE);
    assertThat(
            ValidateProcessor.turnedHint(
                WRONG_SIZE, ExifJpegs.jpeg(40, 20), SWAPPED, 40, 20, LIMITS))
        .isSameAs(WRONG_SIZE);
    // another refusal
    InvalidMaskException values =
        new InvalidMaskException(RejectReason.MASK_VALUE_OUT_OF_RANGE, "pixel label value 9");
    assertThat(ValidateProcessor.turnedHint(values, turned, SWAPPED, 40, 20, LIMITS))
        .isSameAs(values);
  }
}
