package io.gainstream.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.gainstream.model.net.NetworkSpec;
import io.gainstream.model.net.Prediction;
import io.gainstream.model.synthetic.SyntheticDataset;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The CAM baseline learns the synthetic set: it classifies held-out images and its attention peaks
 * inside the object it names.
 */
class CamTrainingTest {
  private static final int CLASSES = 4;
  private static final int SIZE = 64;

  @Test
  void shouldClassifyAndLocaliseHeldOutImagesAfterShortCamRun() {
    NetworkSpec spec = NetworkSpec.defaults(CLASSES);
    GainSettings settings = GainSettings.defaults(Method.CAM).withSeed(7);
    List<Example> train =
        Batches.fromSynthetic(SyntheticDataset.generate(SyntheticDataset.Spec.of(800, 1)), SIZE, 0);
    List<SyntheticDataset.Sample> heldOut =
        SyntheticDataset.generate(SyntheticDataset.Spec.of(200, 2));
    List<Example> test = Batches.fromSynthetic(heldOut, SIZE, 0);

    try (GainTrainer trainer = new GainTrainer(spec, settings)) {
      Random rnd = new Random(settings.seed());
      long t0 = System.nanoTime();
      StepResult last = null;
      for (int i = 0; i < 600; i++) {
        last = trainer.step(Batches.sample(train, 16, CLASSES, SIZE, false, rnd));
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      System.out.printf("600 cam steps in %.1fs, last loss %.4f%n", secs, last.total());

      Batch batch = Batches.of(test, CLASSES, SIZE, false);
      Prediction p = trainer.predict(batch.images(), batch.size());
      float accuracy =
          Metrics.exactMatch(p.probabilities(), batch.labels(), batch.size(), CLASSES, 0.5f);

      int pairs = 0;
      int inside = 0;
      for (int i = 0; i < heldOut.size(); i++) {
        SyntheticDataset.Sample s = heldOut.get(i);
        for (int k : s.classes()) {
          float[] map = p.map(i, k);
          int peak = 0;
          for (int j = 1; j < map.length; j++) {
            if (map[j] > map[peak]) {
              peak = j;
            }
          }
          pairs++;
          if (s.mask()[peak] == k) {
            inside++;
          }
        }
      }
      float peakRate = (float) inside / pairs;
      System.out.printf("exact-match accuracy %.3f, peak inside mask %.3f%n", accuracy, peakRate);
      assertThat(accuracy).isGreaterThanOrEqualTo(0.90f);
      assertThat(peakRate).isGreaterThanOrEqualTo(0.90f);
    }
  }
}
