package io.gainstream.services.io;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;

/** One flat JSON object of string fields on one line (the dead-letter report's rows). */
public final class Json {
  private Json() {}

  public static String object(Map<String, String> fields) {
    StringWriter w = new StringWriter();
    try {
      JsonOut j = new JsonOut(w).beginObject();
      for (Map.Entry<String, String> e : fields.entrySet()) {
        j.name(e.getKey()).value(e.getValue());
      }
      j.endObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not throw
    }
    return w.toString();
  }
}
