package io.gainstream.model.input;

/** Image bytes that are empty, not an image, truncated, or over the configured limits. */
public class ImageDecodeException extends InvalidInputException {
  private static final long serialVersionUID = 1L;

  public ImageDecodeException(RejectReason reason, String message) {
    super(reason, message);
  }

  public ImageDecodeException(RejectReason reason, String message, Throwable cause) {
    super(reason, message, cause);
  }
}
