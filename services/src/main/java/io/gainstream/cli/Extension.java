package io.gainstream.cli;

/**
 * A subcommand that a module outside the product adds to {@code gainstream}, found with {@link
 * java.util.ServiceLoader} on the class path: the benchmarks ({@code gainstream bench}) live in the
 * bench module, which depends on this one, so the product's command cannot name them.
 */
public interface Extension {
  /** The subcommand's name. */
  String name();

  /** A fresh picocli command object (annotated with {@code @Command}). */
  Object command();
}
