package io.gainstream.model.onnx;

/**
 * A model file that is not a gainstream GAIN export, or does not fit the network it is loaded into.
 */
public class InvalidModelException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InvalidModelException(String message) {
    super(message);
  }

  public InvalidModelException(String message, Throwable cause) {
    super(message, cause);
  }
}
