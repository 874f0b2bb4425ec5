package io.gainstream.services.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.gainstream.model.net.NetworkSpec;
import io.gainstream.model.onnx.ModelInfo;
import io.gainstream.model.onnx.OnnxExporter;
import io.gainstream.model.train.Example;
import io.gainstream.model.train.GainSettings;
import io.gainstream.model.train.GainTrainer;
import io.gainstream.model.train.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointsTest {
  @TempDir Path dir;

  private static byte[] model(long version) {
    NetworkSpec spec = new NetworkSpec(16, 2, 2, 2);
    try (GainTrainer t = new GainTrainer(spec, GainSettings.defaults(Method.CAM))) {
      return OnnxExporter.export(
          t.network(), new ModelInfo(spec, List.of("a", "b"), "cam", version, 0, false, Map.of()));
    }
  }

  @Test
  void shouldSkipCorruptAndTruncatedCheckpointsAndLoadTheNewestIntactOne() throws Exception {
    Checkpoints cp = new Checkpoints(dir);
    cp.write(1, model(1));
    cp.write(2, model(2));
    Path v3 = cp.write(3, model(3));
    Path v4 = cp.write(4, model(4));
    byte[] b = Files.readAllBytes(v4);
    Files.write(v4, Arrays.copyOf(b, b.length / 2)); // truncated
    byte[] c = Files.readAllBytes(v3);
    c[c.length / 2] ^= 0x5a; // one flipped byte
    Files.write(v3, c);
    var newest = cp.newest();
    assertThat(newest).isPresent();
    assertThat(newest.get().version()).isEqualTo(2);
  }

  @Test
  void shouldFindNothingInAnEmptyOrMissingFolder() {
    assertThat(new Checkpoints(dir.resolve("none")).newest()).isEmpty();
  }

  @Test
  void shouldKeepABoundedNewestSetOfDistinctImages() {
    ReplayBuffer r = new ReplayBuffer(3);
    for (int i = 0; i < 5; i++) {
      r.add(new Example("id" + i, new float[1], new int[] {1}, null));
    }
    r.add(new Example("id4", new float[1], new int[] {2}, null));
    assertThat(r.size()).isEqualTo(3);
    List<Example> s = r.sample(300, new Random(1));
    assertThat(s).extracting(Example::id).containsOnly("id2", "id3", "id4");
    assertThat(s)
        .filteredOn(e -> e.id().equals("id4"))
        .allSatisfy(e -> assertThat(e.classes()).containsExactly(2));
  }

  @Test
  void shouldSampleTheSameWhateverTheArrivalOrderOnceSorted() {
    ReplayBuffer a = new ReplayBuffer(10);
    ReplayBuffer b = new ReplayBuffer(10);
    for (int i = 0; i < 6; i++) {
      a.add(new Example("id" + i, new float[1], new int[] {1}, null));
      b.add(new Example("id" + (5 - i), new float[1], new int[] {1}, null));
    }
    a.sortById();
    b.sortById();
    assertThat(b.sample(50, new Random(4)))
        .extracting(Example::id)
        .isEqualTo(a.sample(50, new Random(4)).stream().map(Example::id).toList());
  }
}
