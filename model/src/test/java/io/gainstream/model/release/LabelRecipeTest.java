package io.gainstream.model.release;

import static org.assertj.core.api.Assertions.assertThat;

import io.gainstream.model.labels.CrfRefiner;
import io.gainstream.model.labels.ProxyLabels.Thresholds;
import io.gainstream.model.labels.Refinement;
import io.gainstream.model.labels.TtaScales;
import io.gainstream.model.labels.WalkRefiner;
import io.gainstream.model.net.NetworkSpec;
import io.gainstream.model.onnx.ModelInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LabelRecipeTest {
  static final List<String> CLASSES = List.of("boat", "person");
  static final Thresholds PIPELINE = new Thresholds(0.3f, 0.05f);
  static final Map<String, Refinement> REFINEMENTS =
      Map.of(
          CrfRefiner.CRF, CrfRefiner.Settings.defaults(),
          WalkRefiner.WALK, WalkRefiner.Settings.defaults());

  static ModelInfo release(Map<String, String> extra) {
    return new ModelInfo(new NetworkSpec(64, 8, 3, 2), CLASSES, "gain", 4, 100, true, extra);
  }

  static LabelRecipe.Settings unset() {
    return new LabelRecipe.Settings(
        PIPELINE, false, Optional.empty(), Optional.empty(), false, REFINEMENTS);
  }

  @Test
  void shouldTakeWhatTheReleaseNamesWhereThePipelineSetsNothing() {
    List<String> problems = new ArrayList<>();
    LabelRecipe r =
        LabelRecipe.resolve(release(LabelRecipe.Named.BACKBONE.toExtra()), unset(), problems);

    assertThat(problems).isEmpty();
    assertThat(r.thresholds()).isEqualTo(new Thresholds(0.6f, 0.5f));
    assertThat(r.refinement()).isEqualTo(CrfRefiner.Settings.defaults());
    assertThat(r.scales()).isEqualTo(TtaScales.COMPARED);
    assertThat(r.inputSize()).isEqualTo(64);
    assertThat(r.classes()).isEqualTo(CLASSES);
    assertThat(r.method()).isEqualTo("gain");
  }

  @Test
  void shouldLetEveryPipelineSettingWinOverTheRelease() {
    var set =
        new LabelRecipe.Settings(
            new Thresholds(0.4f, 0.1f),
            true,
            Optional.of(Refinement.NONE),
            Optional.of(TtaScales.parse("1,2")),
            true,
            REFINEMENTS);
    LabelRecipe r =
        LabelRecipe.resolve(release(LabelRecipe.Named.BACKBONE.toExtra()), set, new ArrayList<>());

    assertThat(r.thresholds()).isEqualTo(new Thresholds(0.4f, 0.1f));
    assertThat(r.refinement()).isNull();
    assertThat(r.scales()).isEqualTo(TtaScales.parse("1,2"));
    assertThat(r.flip()).isTrue();
  }

  @Test
  void shouldFallBackToThePipelineDefaultsForWhatNobodyNames() {
    LabelRecipe r = LabelRecipe.resolve(release(Map.of()), unset(), new ArrayList<>());

    assertThat(r.thresholds()).isEqualTo(PIPELINE);
    assertThat(r.refinement()).isNull();
    assertThat(r.scales().isSingle()).isTrue();
  }

  /** Releases written before the recipe had a name used these keys; they must read the same. */
  @Test
  void shouldReadTheKeysOlderReleasesWrote() {
    Map<String, String> old =
        Map.of(
            "threshold.foreground", "0.6",
            "threshold.background", "0.5",
            "refine", "walk",
            "tta.scales", "1,1.5");
    LabelRecipe r = LabelRecipe.resolve(release(old), unset(), new ArrayList<>());

    assertThat(r.thresholds()).isEqualTo(new Thresholds(0.6f, 0.5f));
    assertThat(r.refinement()).isEqualTo(WalkRefiner.Settings.defaults());
    assertThat(r.scales()).isEqualTo(TtaScales.COMPARED);
    assertThat(LabelRecipe.Named.read(old, new ArrayList<>()).toExtra()).isEqualTo(old);
  }

  @Test
  void shouldReportWhatItCannotReadAndLabelWithThePipelinesSettingInstead() {
    List<String> problems = new ArrayList<>();
    LabelRecipe r =
        LabelRecipe.resolve(
            release(
                Map.of(
                    "threshold.foreground", "0.2",
                    "threshold.background", "0.9",
                    "refine", "magic",
                    "tta.scales", "2")),
            unset(),
            problems);

    assertThat(problems)
        .hasSize(3)
        .anySatisfy(p -> assertThat(p).startsWith("bad thresholds"))
        .anySatisfy(p -> assertThat(p).startsWith("bad test-time scales"))
        .anySatisfy(p -> assertThat(p).isEqualTo("unknown refinement 'magic'"));
    assertThat(r.thresholds()).isEqualTo(PIPELINE);
    assertThat(r.refinement()).isNull();
    assertThat(r.scales().isSingle()).isTrue();
  }

  @Test
  void shouldDescribeItselfInOneLine() {
    LabelRecipe r =
        LabelRecipe.resolve(release(LabelRecipe.Named.BACKBONE.toExtra()), unset(), List.of());

    assertThat(r.describe())
        .isEqualTo("gain, 64 px, thresholds 0.60 / 0.50, refine crf, scales 1,1.5");
    assertThat(r.atOneScale().describe()).endsWith("scales 1");
  }
}
