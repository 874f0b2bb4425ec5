package io.gainstream.topology;

import org.slf4j.Marker;
import org.slf4j.MarkerFactory;

/**
 * The log marker every gainstream module uses for lines meant for the log file only (how batches
 * were sized, every task's copy of a line one task already put on the console). Why one place: the
 * command line's console filter ({@code cli.Logs}) matches this marker's name, and a copy spelled
 * differently would put its lines on the console.
 */
public final class LogMarkers {
  /** Lines for the log file only. */
  public static final Marker FILE_ONLY = MarkerFactory.getMarker("gainstream.file-only");

  private LogMarkers() {}
}
