package io.gainstream.model.onnx;

import io.gainstream.model.net.NetworkSpec;
import java.util.List;
import java.util.Map;

/**
 * What a released model carries besides its weights, stored as ONNX metadata so a release is
 * self-describing: the network shape to rebuild it, its class names, and how it was trained.
 *
 * @param spec network shape
 * @param classes foreground class names, index k − 1 holding class k
 * @param method training method id (cam, gain, gain-ext, abn, seenet)
 * @param version release version
 * @param steps training steps behind the weights
 * @param miningActive whether attention mining had switched on (a resumed run skips warm-up)
 * @param extra further key/value metadata (training metrics, seeds)
 */
public record ModelInfo(
    NetworkSpec spec,
    List<String> classes,
    String method,
    long version,
    long steps,
    boolean miningActive,
    Map<String, String> extra) {
  public ModelInfo {
    classes = List.copyOf(classes);
    extra = Map.copyOf(extra);
    if (classes.size() != spec.numClasses()) {
      throw new IllegalArgumentException(
          "spec has " + spec.numClasses() + " classes but " + classes.size() + " names were given");
    }
  }
}
