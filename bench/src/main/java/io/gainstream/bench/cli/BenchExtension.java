package io.gainstream.bench.cli;

import io.gainstream.cli.Extension;

/**
 * Adds {@code gainstream bench} when the bench module is on the class path (./gainstream puts it).
 */
public final class BenchExtension implements Extension {
  @Override
  public String name() {
    return "bench";
  }

  @Override
  public Object command() {
    return new BenchCommand();
  }
}
