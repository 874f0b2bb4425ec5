package io.gainstream.services.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.gainstream.model.labels.LabelPng;
import io.gainstream.proto.v1.ProxyLabel;
import io.gainstream.topology.PipelineConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The page's data: a refined label is shown with its label before refinement beside it. */
class DashboardStateTest {
  private static final long NOW = 1_764_547_200_000L;
  private static final PipelineConfig CONFIG =
      new PipelineConfig(Map.of(PipelineConfig.CLASSES_CONFIG, "boat"));

  private static ProxyLabel label(String id, boolean refined) {
    return label(id, refined, 1);
  }

  private static ProxyLabel label(String id, boolean refined, long version) {
    byte[] png = LabelPng.writePalette(new byte[] {0, 1, 1, 0}, 2, 2);
    ProxyLabel.Builder b =
        ProxyLabel.newBuilder()
            .setImageId(id)
            .setModelVersion(version)
            .setWidth(2)
            .setHeight(2)
            .setClassPng(ByteString.copyFrom(png))
            .putScores("boat", 0.9f);
    if (refined) {
      b.setUnrefinedClassPng(
          ByteString.copyFrom(LabelPng.writePalette(new byte[] {0, (byte) 255, 1, 0}, 2, 2)));
    }
    return b.build();
  }

  @Test
  void shouldShowTheUnrefinedLabelOnlyWhereTheLabelWasRefined() {
    DashboardState s = new DashboardState(List.of("boat"));
    s.accept(
        CONFIG, CONFIG.proxyLabelsTopic(), "refined", label("refined", true).toByteArray(), NOW);
    s.accept(CONFIG, CONFIG.proxyLabelsTopic(), "plain", label("plain", false).toByteArray(), NOW);
    String json = s.json(NOW + 1000);
    assertThat(json.split("\"unrefined\"", -1))
        .as("one card carries an unrefined label")
        .hasSize(2);
    int refined = json.indexOf("\"id\":\"refined\"");
    int plain = json.indexOf("\"id\":\"plain\"");
    int unrefined = json.indexOf("\"unrefined\"");
    assertThat(refined).isNotNegative();
    assertThat(plain).isNotNegative();
    // the unrefined label belongs to the refined card: it sits between that card's id and the next
    // card's
    int next = refined < plain ? plain : json.length();
    assertThat(unrefined).isBetween(refined, next);
  }

  @Test
  void shouldCountTheImagesOnTheNewestReleaseAndThoseBehindIt() {
    DashboardState s = new DashboardState(List.of("boat"));
    assertThat(s.freshness().share()).as("nothing labelled: nothing behind").isEqualTo(1.0);
    for (String id : List.of("a", "b", "c")) {
      s.accept(CONFIG, CONFIG.proxyLabelsTopic(), id, label(id, false, 1).toByteArray(), NOW);
    }
    assertThat(s.freshness()).isEqualTo(new DashboardState.Freshness(3, 1, 3));
    // release 2 arrives: every label is now behind it until images are labelled again
    s.accept(
        CONFIG,
        CONFIG.modelsTopic(),
        CONFIG.modelName(),
        io.gainstream.proto.v1.ModelRelease.newBuilder()
            .setName(CONFIG.modelName())
            .setVersion(2)
            .build()
            .toByteArray(),
        NOW);
    assertThat(s.freshness()).isEqualTo(new DashboardState.Freshness(3, 2, 0));
    s.accept(CONFIG, CONFIG.proxyLabelsTopic(), "a", label("a", false, 2).toByteArray(), NOW);
    // a label of an older release read late does not move an image back
    s.accept(CONFIG, CONFIG.proxyLabelsTopic(), "a", label("a", false, 1).toByteArray(), NOW);
    s.accept(CONFIG, CONFIG.proxyLabelsTopic(), "d", label("d", false, 2).toByteArray(), NOW);
    DashboardState.Freshness f = s.freshness();
    assertThat(f).isEqualTo(new DashboardState.Freshness(4, 2, 2));
    assertThat(f.behind()).isEqualTo(2);
    assertThat(f.share()).isEqualTo(0.5);
    assertThat(s.json(NOW + 1000))
        .contains("\"freshness\":{\"images\":4,\"newestVersion\":2,\"onNewest\":2,\"behind\":2}");
  }
}
