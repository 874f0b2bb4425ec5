package io.gainstream.cli;

import io.gainstream.model.input.ClassCatalog;
import io.gainstream.topology.PipelineConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Option;

/** Options that make a {@link PipelineConfig}: the classes, and any {@code gainstream.*} key. */
final class PipelineOptions {
  @Option(
      names = "--classes",
      required = true,
      paramLabel = "FILE",
      description = "One class name per line; line k is class index k.")
  Path classes;

  @Option(
      names = "--model-name",
      description =
          "Key of the releases on the models topic (same as --set gainstream.model.name=...). Default: gain.")
  String modelName;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Properties file of further gainstream.* settings (see docs/ARCHITECTURE.md).")
  Path config;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "A gainstream.* setting, e.g. --set gainstream.batch.max.size=64.")
  Map<String, String> sets = new HashMap<>();

  ClassCatalog catalog() {
    try {
      return ClassCatalog.read(classes);
    } catch (IOException e) {
      throw new UserError("cannot read --classes " + classes + ": " + e.getMessage());
    }
  }

  PipelineConfig pipelineConfig() {
    Map<String, Object> c = new HashMap<>();
    if (config != null) {
      Properties p = new Properties();
      try (InputStream in = Files.newInputStream(config)) {
        p.load(in);
      } catch (IOException e) {
        throw new UserError("cannot read --config " + config + ": " + e.getMessage());
      }
      p.forEach((k, v) -> c.put(k.toString(), v.toString()));
    }
    c.putAll(sets);
    c.put(PipelineConfig.CLASSES_CONFIG, String.join(",", catalog().names()));
    if (modelName != null) {
      // only when given: a default here would silently override --config and --set
      c.put(PipelineConfig.MODEL_NAME_CONFIG, modelName);
    }
    try {
      return new PipelineConfig(c);
    } catch (ConfigException e) {
      throw new UserError(e.getMessage());
    }
  }
}
