package io.gainstream.services.io;

import java.io.IOException;
import java.io.Writer;
import java.util.Arrays;

/**
 * A small streaming JSON writer (COCO files, the dashboard's state). Written here because Jackson
 * reaches this module only at run time (through Kafka), so it is not on the compile class path, and
 * {@code io.gainstream.services.io.Json} writes flat string objects only; COCO needs nested arrays
 * and numbers. Streaming keeps memory flat however many annotations a dataset has.
 *
 * <p>It tracks commas only; callers are trusted to pair begin/end calls and to put a {@link #name}
 * before every value inside an object.
 */
public final class JsonOut {
  private final Writer out;
  private boolean[] hasElements = new boolean[8];
  private int depth;
  private boolean afterName;

  public JsonOut(Writer out) {
    this.out = out;
  }

  public JsonOut beginObject() throws IOException {
    return open('{');
  }

  public JsonOut endObject() throws IOException {
    return close('}');
  }

  public JsonOut beginArray() throws IOException {
    return open('[');
  }

  public JsonOut endArray() throws IOException {
    return close(']');
  }

  public JsonOut name(String name) throws IOException {
    separate();
    string(name);
    out.write(':');
    afterName = true;
    return this;
  }

  public JsonOut value(String s) throws IOException {
    separate();
    string(s);
    return this;
  }

  /** A finite number, or null for NaN and infinities (JSON has neither). */
  public JsonOut value(double v) throws IOException {
    separate();
    out.write(Double.isFinite(v) ? Double.toString(v) : "null");
    return this;
  }

  public JsonOut value(boolean v) throws IOException {
    separate();
    out.write(Boolean.toString(v));
    return this;
  }

  public JsonOut value(long v) throws IOException {
    separate();
    out.write(Long.toString(v));
    return this;
  }

  /** An array of numbers. */
  public JsonOut values(int... vs) throws IOException {
    beginArray();
    for (int v : vs) {
      value(v);
    }
    return endArray();
  }

  private JsonOut open(char c) throws IOException {
    separate();
    out.write(c);
    if (++depth == hasElements.length) {
      hasElements = Arrays.copyOf(hasElements, depth * 2);
    }
    hasElements[depth] = false;
    return this;
  }

  private JsonOut close(char c) throws IOException {
    if (depth == 0 || afterName) {
      throw new IllegalStateException("unbalanced JSON: '" + c + "' at depth " + depth);
    }
    depth--;
    out.write(c);
    return this;
  }

  /** Writes the comma before a value or name unless it directly follows a name or an opening. */
  private void separate() throws IOException {
    if (afterName) {
      afterName = false;
      return;
    }
    if (hasElements[depth]) {
      out.write(',');
    }
    hasElements[depth] = true;
  }

  private void string(String s) throws IOException {
    out.write('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.write("\\\"");
        case '\\' -> out.write("\\\\");
        case '\n' -> out.write("\\n");
        case '\r' -> out.write("\\r");
        case '\t' -> out.write("\\t");
        default -> {
          if (c < 0x20) {
            out.write(String.format("\\u%04x", (int) c));
          } else {
            out.write(c);
          }
        }
      }
    }
    out.write('"');
  }
}
