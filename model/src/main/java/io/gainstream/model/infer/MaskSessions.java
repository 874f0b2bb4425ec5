package io.gainstream.model.infer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * One {@link MaskSession} per process and file: the mask model is the heaviest thing a pipeline
 * loads (the shared ISNet is 88 MB and about a gigabyte of working memory at 1024 pixels), and
 * every stream task of the threshold stage would otherwise open its own. Handles are counted; the
 * last one closed closes the session.
 */
public final class MaskSessions {
  private record Key(Path file, int size, String mean, String std, String output) {}

  private static final class Entry {
    final MaskSession session;
    int users;

    Entry(MaskSession session) {
      this.session = session;
    }
  }

  private static final Map<Key, Entry> OPEN = new HashMap<>();

  private MaskSessions() {}

  /** A use of a shared session; closing it gives the use back. */
  public interface Handle extends AutoCloseable {
    MaskSession session();

    @Override
    void close();
  }

  /**
   * The session of {@code file} at these options, opened on first use.
   *
   * @throws io.gainstream.model.onnx.InvalidModelException (one line) when the file is no mask
   *     model
   * @throws UncheckedIOException when the file cannot be read
   */
  public static synchronized Handle acquire(
      Path file, MaskSession.Options options, InferenceOptions inference) {
    Key key =
        new Key(
            file.toAbsolutePath().normalize(),
            options.inputSize(),
            Arrays.toString(options.mean()),
            Arrays.toString(options.std()),
            options.output());
    Entry e = OPEN.get(key);
    if (e == null) {
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(file);
      } catch (IOException ex) {
        throw new UncheckedIOException("cannot read the mask model " + file + ": " + ex, ex);
      }
      e = new Entry(new MaskSession(bytes, file.getFileName().toString(), options, inference));
      OPEN.put(key, e);
    }
    e.users++;
    Entry entry = e;
    return new Handle() {
      private boolean closed;

      @Override
      public MaskSession session() {
        return entry.session;
      }

      @Override
      public void close() {
        synchronized (MaskSessions.class) {
          if (closed) {
            return;
          }
          closed = true;
          if (--entry.users == 0) {
            OPEN.remove(key);
            entry.session.close();
          }
        }
      }
    };
  }
}
