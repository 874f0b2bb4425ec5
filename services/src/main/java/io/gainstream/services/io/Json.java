package io.gainstream.services.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * JSON through one Jackson mapper for the services (the dead-letter report's rows, the dashboard).
 */
public final class Json {
  /** Thread-safe once configured; shared, as Jackson advises. */
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  /** One flat JSON object of string fields on one line, in the map's order. */
  public static String object(Map<String, String> fields) {
    return write(fields);
  }

  /** Any value (records, lists, maps) as one line of JSON. */
  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
