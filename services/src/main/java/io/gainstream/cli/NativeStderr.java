package io.gainstream.cli;

import com.sun.jna.Library;
import com.sun.jna.Native;
import io.gainstream.topology.LogMarkers;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the native runtimes' log lines off the console and puts them in the log file.
 *
 * <p>Why: PyTorch's C++ core writes warnings such as {@code [W1206 02:57:04.27
 * LegacyTypeDispatch.h:74] Warning: AutoNonVariableTypeMode is deprecated …} straight to file
 * descriptor 2, below anything Java can filter, and a newcomer reads them as failure. Here
 * descriptor 2 becomes a pipe; a daemon thread passes every byte on to the real stderr as it comes
 * (progress bars redraw with {@code \r} and must not wait for a line end), except lines that start
 * like a native log line ({@code [W}, {@code [I}, {@code [E} or {@code [F} and a digit, the
 * glog/c10 format), which go to the log file. At exit the descriptor is put back and the pipe
 * drained, so the last line of a failing command is never lost. Linux and macOS only (libc through
 * JNA); elsewhere nothing changes.
 */
final class NativeStderr {
  private static final Logger LOG = LoggerFactory.getLogger("io.gainstream.native");
  private static boolean installed;

  /** Whether descriptor 2 was a terminal before {@link #install} made it a pipe; null: unknown. */
  private static Boolean stderrTerminal;

  /** The C library calls this needs. */
  interface LibC extends Library {
    int pipe(int[] fds);

    int dup(int fd);

    int dup2(int from, int to);

    int close(int fd);

    long read(int fd, byte[] buf, long count);

    long write(int fd, byte[] buf, long count);

    int isatty(int fd);
  }

  /** Reads a descriptor itself (reopening /dev/fd/N would give a file a new offset). */
  private static final class FdIn extends InputStream {
    private final LibC c;
    private final int fd;

    FdIn(LibC c, int fd) {
      this.c = c;
      this.fd = fd;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      byte[] buf = off == 0 ? b : new byte[len];
      long n = c.read(fd, buf, len);
      for (int tries = 0; n < 0 && tries < 100; tries++) {
        n = c.read(fd, buf, len); // interrupted (EINTR): read again
      }
      if (n <= 0) {
        return -1;
      }
      if (buf != b) {
        System.arraycopy(buf, 0, b, off, (int) n);
      }
      return (int) n;
    }
  }

  /**
   * Writes a descriptor itself: the saved stderr keeps the file description (and offset) that
   * stdout may share, as when both go to one file.
   */
  private static final class FdOut extends OutputStream {
    private final LibC c;
    private final int fd;

    FdOut(LibC c, int fd) {
      this.c = c;
      this.fd = fd;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      byte[] rest = Arrays.copyOfRange(b, off, off + len);
      while (rest.length > 0) {
        long n = c.write(fd, rest, rest.length);
        if (n <= 0) {
          throw new IOException("stderr write failed");
        }
        rest = Arrays.copyOfRange(rest, (int) n, rest.length);
      }
    }
  }

  private NativeStderr() {}

  /**
   * Whether the console's stderr is a terminal (progress bars redraw there; elsewhere they print
   * plain lines): what descriptor 2 was before the filter, else asked now.
   */
  static synchronized boolean stderrIsTerminal() {
    if (stderrTerminal == null) {
      try {
        stderrTerminal = Native.load("c", LibC.class).isatty(2) == 1;
      } catch (UnsatisfiedLinkError | RuntimeException e) {
        return System.console() != null;
      }
    }
    return stderrTerminal;
  }

  /** Routes descriptor 2 through the filter, once per process; false where it cannot. */
  static synchronized boolean install() {
    if (installed) {
      return true;
    }
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    if (!(os.contains("linux") || os.contains("mac"))) {
      return false;
    }
    LibC c;
    try {
      c = Native.load("c", LibC.class);
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return false;
    }
    stderrTerminal = c.isatty(2) == 1;
    int[] fds = new int[2];
    int saved = c.dup(2);
    if (saved < 0 || c.pipe(fds) != 0) {
      return false;
    }
    System.err.flush();
    if (c.dup2(fds[1], 2) < 0) {
      return false;
    }
    c.close(fds[1]);
    InputStream in = new FdIn(c, fds[0]);
    OutputStream out = new BufferedOutputStream(new FdOut(c, saved));
    Thread pump =
        new Thread(
            () -> {
              try {
                pump(in, out);
              } catch (Throwable t) {
                // nothing may be left writing into a pipe nobody reads: see finally
              } finally {
                c.dup2(saved, 2); // descriptor 2 back to the real stderr
              }
            },
            "gainstream-stderr");
    pump.setDaemon(true);
    pump.start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.err.flush();
                  c.dup2(saved, 2); // the pipe's last writer goes: the pump reads to its end
                  try {
                    pump.join(2000);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "gainstream-stderr-drain"));
    installed = true;
    return true;
  }

  /**
   * Copies {@code in} to {@code out} byte by byte, native log lines to the log instead. When {@code
   * out} fails (the real stderr was closed, as with {@code 2>&1 | head}), it keeps reading and
   * drops what it reads, so no writer ever blocks on a full pipe.
   */
  static void pump(InputStream in, OutputStream target) {
    OutputStream out =
        new OutputStream() {
          private boolean broken;

          @Override
          public void write(int b) {
            if (!broken) {
              try {
                target.write(b);
              } catch (IOException e) {
                broken = true;
              }
            }
          }

          @Override
          public void flush() {
            if (!broken) {
              try {
                target.flush();
              } catch (IOException e) {
                broken = true;
              }
            }
          }
        };
    byte[] buf = new byte[8192];
    StringBuilder held = new StringBuilder(); // the start of a line not yet decided on
    boolean lineStart = true;
    boolean nativeLine = false;
    StringBuilder nativeText = new StringBuilder();
    try {
      int n;
      while ((n = in.read(buf)) > 0) {
        for (int i = 0; i < n; i++) {
          byte b = buf[i];
          if (nativeLine) {
            if (b == '\n') {
              LOG.warn(LogMarkers.FILE_ONLY, "{}", nativeText);
              nativeText.setLength(0);
              nativeLine = false;
              lineStart = true;
            } else {
              nativeText.append((char) (b & 0xff));
            }
            continue;
          }
          if (lineStart) {
            held.append((char) (b & 0xff));
            int verdict = nativePrefix(held);
            if (verdict == 0) {
              continue; // undecided
            }
            if (verdict > 0) {
              nativeLine = true;
              nativeText.append(held);
            } else {
              for (int k = 0; k < held.length(); k++) {
                out.write(held.charAt(k));
              }
            }
            held.setLength(0);
            lineStart = b == '\n' || b == '\r';
            continue;
          }
          out.write(b);
          if (b == '\n' || b == '\r') {
            lineStart = true; // a bar redraws after \r: a native line may start there too
          }
        }
        if (held.length() > 0 && !nativeLine && in.available() == 0) {
          // a line start that is still undecided with nothing more to read: let it through
          for (int k = 0; k < held.length(); k++) {
            out.write(held.charAt(k));
          }
          held.setLength(0);
          lineStart = false;
        }
        out.flush();
      }
      if (nativeText.length() > 0) {
        LOG.warn(LogMarkers.FILE_ONLY, "{}", nativeText);
      }
    } catch (IOException e) {
      // stderr is gone: nothing left to tell
    }
  }

  /** 1: a native log line ({@code [W1206 …}); −1: not one; 0: too short to tell. */
  static int nativePrefix(CharSequence s) {
    if (s.charAt(0) != '[') {
      return -1;
    }
    if (s.length() < 2) {
      return 0;
    }
    if ("WIEF".indexOf(s.charAt(1)) < 0) {
      return -1;
    }
    if (s.length() < 3) {
      return 0;
    }
    return Character.isDigit(s.charAt(2)) ? 1 : -1;
  }
}
