package io.gainstream.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Progress bars with rate and ETA for long commands. */
public final class Bars {
  private Bars() {}

  public static ProgressBar bar(String task, long max) {
    return new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(max)
        .setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(500)
        .showSpeed()
        .continuousUpdate()
        .build();
  }

  /** A bar that draws nothing (for runs nested in a benchmark with its own bar). */
  public static ProgressBar silent(String task, long max) {
    return new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(max)
        .setConsumer(new me.tongfei.progressbar.DelegatingProgressBarConsumer(s -> {}))
        .build();
  }
}
