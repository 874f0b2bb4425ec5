package io.gainstream.model.input;

/** An image-level label that is not one of the configured classes. */
public class UnknownClassException extends InvalidInputException {
  private static final long serialVersionUID = 1L;

  public UnknownClassException(String message) {
    super(RejectReason.UNKNOWN_CLASS, message);
  }
}
