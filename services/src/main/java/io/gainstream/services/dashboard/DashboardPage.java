package io.gainstream.services.dashboard;

import java.util.List;
import java.util.Map;

/**
 * The dashboard's data as the page reads it: plain records that Jackson writes in declaration order
 * ({@link io.gainstream.services.io.Json#write}). A figure nobody has yet (a release without
 * validation, a version without scored labels) is {@code null}, which the page shows as a dash.
 */
record DashboardPage(
    long labels,
    long unreadableRecords,
    Freshness freshness,
    List<String> classes,
    List<DashboardState.Card> recent,
    List<Release> releases,
    double[] throughput,
    Map<String, Long> deadLetters,
    List<DeadLetter> lastDeadLetters) {

  /** How current the labels are ({@link DashboardState.Freshness}, with what is behind). */
  record Freshness(long images, long newestVersion, long onNewest, long behind) {}

  /** A release, the trainer's figures for it and the labels' mIoU where pixel labels exist. */
  record Release(
      long version,
      long createdMs,
      long step,
      String method,
      Double loss,
      Double accuracy,
      Double valExactMatch,
      Double valMap,
      Double valFgMiou,
      Double miou) {}

  /** One of the newest dead letters. */
  record DeadLetter(String id, String stage, String reason, String detail) {}

  /** {@code v}, or null when it is not a number. */
  static Double figure(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
