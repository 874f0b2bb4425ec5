package io.gainstream.topology;

import com.google.protobuf.ByteString;
import io.gainstream.model.image.ImageBytes;
import io.gainstream.model.net.NetworkSpec;
import io.gainstream.model.onnx.ModelInfo;
import io.gainstream.model.onnx.OnnxExporter;
import io.gainstream.model.synthetic.SyntheticDataset;
import io.gainstream.model.train.GainSettings;
import io.gainstream.model.train.GainTrainer;
import io.gainstream.model.train.Method;
import io.gainstream.proto.v1.ImageEvent;
import io.gainstream.proto.v1.ModelRelease;
import java.util.List;
import java.util.Map;

/** Real, small model releases and image events for topology tests. */
final class TestReleases {
  static final List<String> CLASSES = SyntheticDataset.classNames(3);
  static final int SIZE = 32;

  private TestReleases() {}

  /** An untrained but real GAIN export (weights from the seed), as a release. */
  static ModelRelease release(long version, long seed, List<String> classes, int size) {
    return release(version, seed, classes, size, Map.of());
  }

  /**
   * As {@link #release(long, long, List, int)}, with metadata extras (e.g. the release's label
   * thresholds).
   */
  static ModelRelease release(
      long version, long seed, List<String> classes, int size, Map<String, String> extra) {
    NetworkSpec spec = new NetworkSpec(size, 4, 2, classes.size());
    try (GainTrainer t = new GainTrainer(spec, GainSettings.defaults(Method.CAM).withSeed(seed))) {
      byte[] onnx =
          OnnxExporter.export(
              t.network(), new ModelInfo(spec, classes, "cam", version, 0, false, extra));
      return ModelRelease.newBuilder()
          .setName("gain")
          .setVersion(version)
          .setOnnx(ByteString.copyFrom(onnx))
          .addAllClasses(classes)
          .setInputHeight(size)
          .setInputWidth(size)
          .setMethod("cam")
          .build();
    }
  }

  static ModelRelease release(long version) {
    return release(version, version, CLASSES, SIZE);
  }

  static List<SyntheticDataset.Sample> samples(int n, long seed) {
    return SyntheticDataset.generate(new SyntheticDataset.Spec(3, 48, n, 0.4, false, 0.9, seed));
  }

  static byte[] png(java.awt.image.BufferedImage img) {
    return ImageBytes.encode(img, "png");
  }

  static ImageEvent event(SyntheticDataset.Sample s) {
    ImageEvent.Builder b =
        ImageEvent.newBuilder()
            .setId(s.id())
            .setImage(ByteString.copyFrom(png(s.image())))
            .setMediaType("image/png")
            .setSource("test");
    for (int k : s.classes()) {
      b.addLabels(CLASSES.get(k - 1));
    }
    return b.build();
  }
}
