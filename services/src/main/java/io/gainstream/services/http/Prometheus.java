package io.gainstream.services.http;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * Prometheus text exposition (format 0.0.4), written directly: a handful of counters and gauges do
 * not need a metrics library on the class path.
 */
public final class Prometheus {
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  private final StringBuilder out = new StringBuilder();

  public Prometheus counter(String name, String help, double value) {
    return single(name, "counter", help, value);
  }

  public Prometheus gauge(String name, String help, double value) {
    return single(name, "gauge", help, value);
  }

  /** One metric with one label, a sample per label value. */
  public Prometheus labelled(
      String name, String type, String help, String label, Map<String, ? extends Number> values) {
    header(name, type, help);
    values.forEach(
        (k, v) ->
            out.append(name)
                .append('{')
                .append(label)
                .append("=\"")
                .append(escape(k))
                .append("\"} ")
                .append(format(v.doubleValue()))
                .append('\n'));
    return this;
  }

  private Prometheus single(String name, String type, String help, double value) {
    header(name, type, help);
    out.append(name).append(' ').append(format(value)).append('\n');
    return this;
  }

  private void header(String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static String format(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    return v == Math.rint(v) && Math.abs(v) < 1e15
        ? Long.toString((long) v)
        : String.format(Locale.ROOT, "%.6g", v);
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  public HttpEndpoint.Body body() {
    return new HttpEndpoint.Body(CONTENT_TYPE, out.toString().getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
