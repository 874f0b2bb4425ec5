package io.gainstream.bench.model;

import io.gainstream.model.backbone.Backbone;
import io.gainstream.model.net.NetworkSpec;
import io.gainstream.model.onnx.ModelInfo;
import io.gainstream.model.onnx.OnnxExporter;
import io.gainstream.model.synthetic.SyntheticDataset;
import io.gainstream.model.train.GainSettings;
import io.gainstream.model.train.GainTrainer;
import java.util.Map;

/**
 * A cam release with the weights a trainer starts from: what the speed benchmarks run, where the
 * cost matters and the labels do not (a release costs the same trained or not).
 */
public final class UntrainedRelease {
  private UntrainedRelease() {}

  /**
   * @param backbone an imported backbone, or null for the built-in network
   * @return the ONNX release, version 1, classes named as {@link SyntheticDataset#classNames}
   */
  public static byte[] export(NetworkSpec spec, GainSettings settings, Backbone backbone) {
    try (GainTrainer t = new GainTrainer(spec, settings, backbone)) {
      return OnnxExporter.export(
          t.network(),
          new ModelInfo(
              spec, SyntheticDataset.classNames(spec.numClasses()), "cam", 1, 0, false, Map.of()));
    }
  }
}
