package io.gainstream.topology.internals;

import static org.assertj.core.api.Assertions.assertThat;

import io.gainstream.model.input.ExifJpegs;
import io.gainstream.model.input.InvalidMaskException;
import io.gainstream.model.input.RejectReason;
import org.junit.jupiter.api.Test;

class ValidateProcessorTest {
  private static final InvalidMaskException WRONG_SIZE =
      new InvalidMaskException(
          RejectReason.MASK_WRONG_SIZE, "pixel label is 20x40, its image is 40x20");

  @Test
  void shouldSayAMaskOfTheWrongSizeWasLikelyDrawnOnTheTurnedViewOfAPhotoTaggedToTurn() {
    byte[] turned = ExifJpegs.tagged(ExifJpegs.jpeg(40, 20), 6, false, true);
    InvalidMaskException e = ValidateProcessor.turnedHint(WRONG_SIZE, turned);
    assertThat(e.reason()).isEqualTo(RejectReason.MASK_WRONG_SIZE);
    assertThat(e.getMessage())
        .startsWith("pixel label is 20x40, its image is 40x20")
        .contains("EXIF orientation 6")
        .contains("draw the mask on the image unturned");
  }

  @Test
  void shouldLeaveTheReasonAsItIsWhereTheTagDoesNotSwapTheSidesOrTheMaskIsWrongOtherwise() {
    byte[] upsideDown = ExifJpegs.tagged(ExifJpegs.jpeg(40, 20), 3, true, true);
    assertThat(ValidateProcessor.turnedHint(WRONG_SIZE, upsideDown)).isSameAs(WRONG_SIZE);
    assertThat(ValidateProcessor.turnedHint(WRONG_SIZE, ExifJpegs.jpeg(40, 20)))
        .isSameAs(WRONG_SIZE);
    InvalidMaskException values =
        new InvalidMaskException(RejectReason.MASK_VALUE_OUT_OF_RANGE, "pixel label value 9");
    byte[] turned = ExifJpegs.tagged(ExifJpegs.jpeg(40, 20), 8, true, true);
    assertThat(ValidateProcessor.turnedHint(values, turned)).isSameAs(values);
  }
}
