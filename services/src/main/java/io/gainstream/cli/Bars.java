package io.gainstream.cli;

import java.util.function.Consumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarRenderer;
import me.tongfei.progressbar.ProgressBarStyle;
import me.tongfei.progressbar.ProgressState;

/**
 * Progress bars with rate and ETA for long commands on a terminal; plain lines, one per tenth of
 * the way at most, when stderr (where they go) is not a terminal (a redirected run kept a frame
 * every half second: 170 kB for one photo run).
 */
public final class Bars {
  private Bars() {}

  public static ProgressBar bar(String task, long max) {
    if (!NativeStderr.stderrIsTerminal()) {
      return plain(task, max, System.err::println);
    }
    return new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(max)
        .setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(500)
        .showSpeed()
        .continuousUpdate()
        .build();
  }

  /** A bar that writes a plain line to {@code out} at each further tenth of {@code max}. */
  static ProgressBar plain(String task, long max, Consumer<String> out) {
    return new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(max)
        .setUpdateIntervalMillis(1000)
        .setRenderer(new Tenths())
        .setConsumer(
            new DelegatingProgressBarConsumer(
                line -> {
                  if (!line.isEmpty()) {
                    out.accept(line);
                  }
                }))
        .build();
  }

  /** Renders a line when the progress reached another tenth, otherwise nothing. */
  private static final class Tenths implements ProgressBarRenderer {
    private long told = -1;

    @Override
    public String render(ProgressState p, int maxLength) {
      long max = p.getMax();
      long current = p.getCurrent();
      if (max <= 0) {
        return "";
      }
      long tenth = Math.min(10, current * 10 / max);
      if (tenth <= told || (tenth == 0 && current == 0 && told >= 0)) {
        return "";
      }
      told = tenth;
      long s = p.getTotalElapsed().toSeconds();
      return String.format(
          "%s %d%% %d/%d (%d:%02d:%02d)",
          p.getTaskName(), tenth * 10, current, max, s / 3600, s / 60 % 60, s % 60);
    }
  }

  /** A bar that draws nothing (for runs nested in a benchmark with its own bar). */
  public static ProgressBar silent(String task, long max) {
    return new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(max)
        .setConsumer(new DelegatingProgressBarConsumer(s -> {}))
        .build();
  }
}
