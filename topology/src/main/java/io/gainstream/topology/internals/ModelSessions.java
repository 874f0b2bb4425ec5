package io.gainstream.topology.internals;

import io.gainstream.model.infer.AttentionSession;
import io.gainstream.model.infer.InferenceOptions;
import io.gainstream.model.onnx.ScaledRelease;
import io.gainstream.proto.v1.ModelRelease;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ONNX Runtime session per model release per process, shared by every stream task (its {@code
 * run} is thread-safe). Tasks acquire the release they want and release the one they leave; a
 * session closes when no task uses it any more, so a hot swap never closes a session under a
 * running batch. A release can also be opened at another input side (multi-scale fusion): that is a
 * session of its own, keyed by the side, over the release rewritten by {@link ScaledRelease}.
 */
public final class ModelSessions {
  private static final Logger LOG = LoggerFactory.getLogger(ModelSessions.class);
  private static final ModelSessions SHARED = new ModelSessions();

  private record Key(String name, long version, int size) {}

  private static final class Entry {
    final AttentionSession session;
    int users;

    Entry(AttentionSession session) {
      this.session = session;
    }
  }

  private final Map<Key, Entry> sessions = new HashMap<>();

  /** Per model name and kind of line, the last such line a task of this process said. */
  private final Map<String, String> said = new ConcurrentHashMap<>();

  /** The process-wide instance. */
  public static ModelSessions shared() {
    return SHARED;
  }

  /**
   * Whether {@code line} is news: no task of this process said it last for this model and kind of
   * line. Why: every stream task swaps to each release and says so; the console should get each
   * such line once, the log file every task's. Only the last line per kind is kept, so a
   * long-running pipeline remembers a handful of lines, not every release's.
   */
  public boolean firstToSay(String model, String kind, String line) {
    return !line.equals(said.put(model + " " + kind, line));
  }

  /** The session of a release, opened on first use. */
  public synchronized AttentionSession acquire(ModelRelease release, InferenceOptions options) {
    return acquire(release, options, release.getInputHeight());
  }

  /**
   * The session of a release at input side {@code size} (a multiple of its stride), opened on first
   * use.
   */
  public synchronized AttentionSession acquire(
      ModelRelease release, InferenceOptions options, int size) {
    Key k = new Key(release.getName(), release.getVersion(), size);
    Entry e = sessions.get(k);
    if (e == null) {
      byte[] onnx = release.getOnnx().toByteArray();
      boolean own = size == release.getInputHeight();
      e = new Entry(new AttentionSession(own ? onnx : ScaledRelease.at(onnx, size), options));
      sessions.put(k, e);
      if (own) {
        LOG.info("opened model {} version {}", release.getName(), release.getVersion());
      } else {
        LOG.info(
            "opened model {} version {} at {}x{} (multi-scale fusion)",
            release.getName(),
            release.getVersion(),
            size,
            size);
      }
    }
    e.users++;
    return e.session;
  }

  /** Gives a session back; the last user closes it. */
  public synchronized void release(AttentionSession session) {
    sessions
        .entrySet()
        .removeIf(
            en -> {
              Entry e = en.getValue();
              if (e.session != session) {
                return false;
              }
              e.users--;
              if (e.users <= 0) {
                e.session.close();
                LOG.info(
                    "closed model {} version {} at {}x{}",
                    en.getKey().name(),
                    en.getKey().version(),
                    en.getKey().size(),
                    en.getKey().size());
                return true;
              }
              return false;
            });
  }

  /** Sessions open now (for tests and metrics). */
  public synchronized int openSessions() {
    return sessions.size();
  }
}
