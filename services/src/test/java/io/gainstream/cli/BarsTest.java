package io.gainstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import me.tongfei.progressbar.ProgressBar;
import org.junit.jupiter.api.Test;

/** Progress without a terminal: a plain line per tenth at most, and the end always told. */
class BarsTest {
  @Test
  void shouldWriteAtMostElevenPlainLinesAndEndAtAHundredPercent() throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    try (ProgressBar bar = Bars.plain("label", 283, lines::add)) {
      for (int i = 0; i < 283; i++) {
        bar.step();
        if (i % 40 == 0) {
          Thread.sleep(300); // let the refresh thread render some of the way
        }
      }
    }
    assertThat(lines).hasSizeBetween(2, 11);
    assertThat(lines).allSatisfy(l -> assertThat(l).doesNotContain("\r").startsWith("label "));
    assertThat(lines.get(lines.size() - 1)).startsWith("label 100% 283/283");
    assertThat(lines.stream().map(l -> l.split(" ")[1]).distinct().count())
        .as("no tenth twice")
        .isEqualTo(lines.size());
  }
}
