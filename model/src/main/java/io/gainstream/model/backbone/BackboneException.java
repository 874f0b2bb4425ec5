package io.gainstream.model.backbone;

/**
 * A backbone file gainstream cannot use, with a one-line reason that names the op and the node
 * where there is one. An {@link IllegalArgumentException}: the command line prints it as one line
 * and exits 2.
 */
public final class BackboneException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public BackboneException(String message) {
    super(message);
  }
}
