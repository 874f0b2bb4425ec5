package io.gainstream.services.trainer;

import io.gainstream.model.image.Letterbox;
import io.gainstream.model.image.Tensors;
import io.gainstream.model.input.ClassCatalog;
import io.gainstream.model.input.DecodeLimits;
import io.gainstream.model.input.ImageDecoder;
import io.gainstream.model.input.PixelLabels;
import io.gainstream.model.train.Example;
import io.gainstream.proto.v1.ImageEvent;
import java.awt.image.BufferedImage;

/** Turns a training-sample event into an {@link Example} at the network's input size. */
public final class SampleDecoder {
  private final ClassCatalog classes;
  private final DecodeLimits limits;
  private final int size;

  public SampleDecoder(ClassCatalog classes, DecodeLimits limits, int size) {
    this.classes = classes;
    this.limits = limits;
    this.size = size;
  }

  /**
   * @throws io.gainstream.model.input.InvalidInputException when the event is unusable
   */
  public Example decode(ImageEvent e) {
    int[] labels = classes.indicesOf(e.getLabelsList());
    BufferedImage img = ImageDecoder.decodeRgb(e.getImage().toByteArray(), limits);
    byte[] mask = null;
    if (!e.getPixelLabel().isEmpty()) {
      byte[] full =
          PixelLabels.decode(
              e.getPixelLabel().toByteArray(),
              img.getWidth(),
              img.getHeight(),
              classes.size(),
              limits);
      mask =
          Letterbox.of(img.getWidth(), img.getHeight(), size)
              .placeLabels(full, img.getWidth(), img.getHeight());
    }
    return new Example(e.getId(), Tensors.toChw(img, size), labels, mask);
  }
}
