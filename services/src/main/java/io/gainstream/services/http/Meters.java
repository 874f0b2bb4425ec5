package io.gainstream.services.http;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * One service's {@code /metrics}: a Micrometer registry in Prometheus' text format, with the JVM's
 * binders (memory, GC, threads, class loading, CPU, uptime) bound from the start. A service adds
 * its own counters and gauges by their dotted names; Micrometer writes them the Prometheus way
 * ({@code gainstream.labels} as a counter is {@code gainstream_labels_total}).
 */
public final class Meters implements AutoCloseable {
  /** Prometheus' text exposition format, which every scraper reads. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();

  /** Micrometer holds the objects behind function counters weakly: they live here. */
  private final List<DoubleSupplier> sources = new ArrayList<>();

  public Meters() {
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  /** For binders and meters this class has no shorthand for (timers, tagged series). */
  public MeterRegistry registry() {
    return registry;
  }

  /**
   * A counter read from {@code value} at each scrape; {@code tags} are key-value pairs. A name and
   * tags already registered keep their first source.
   */
  public synchronized Meters counter(
      String name, String help, DoubleSupplier value, String... tags) {
    if (registry.find(name).tags(tags).meter() != null) {
      return this;
    }
    sources.add(value);
    FunctionCounter.builder(name, value, DoubleSupplier::getAsDouble)
        .description(help)
        .tags(tags)
        .register(registry);
    return this;
  }

  /** A gauge read from {@code value} at each scrape. */
  public synchronized Meters gauge(String name, String help, DoubleSupplier value) {
    sources.add(value);
    Gauge.builder(name, value, DoubleSupplier::getAsDouble).description(help).register(registry);
    return this;
  }

  /** Everything, in Prometheus' text format. */
  public HttpEndpoint.Body scrape() {
    return new HttpEndpoint.Body(CONTENT_TYPE, registry.scrape().getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
