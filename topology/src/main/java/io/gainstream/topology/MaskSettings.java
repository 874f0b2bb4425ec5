package io.gainstream.topology;

import io.gainstream.model.infer.MaskSession;
import io.gainstream.model.labels.AttentionWindow;
import io.gainstream.model.labels.MaskFusion;
import java.nio.file.Path;

/**
 * The mask model and its fusion, when {@code gainstream.mask.model.file} names one.
 *
 * @param file the ONNX file
 * @param options how images are fed to it
 * @param fusion how its foreground and the attention make the label
 * @param flip whether it also sees the mirror image
 * @param zoom whether and where it looks a second time
 */
public record MaskSettings(
    Path file,
    MaskSession.Options options,
    MaskFusion.Settings fusion,
    boolean flip,
    AttentionWindow.Settings zoom) {
  /**
   * What a label records about how it was fused, e.g. {@code hysteresis(fg 0.50, weak 0.20 where
   * attention >= 0.50), zoom(attention >= 0.80, margin 0.30)}.
   */
  public String describe() {
    return zoom.on() ? fusion.describe() + ", " + zoom.describe() : fusion.describe();
  }
}
