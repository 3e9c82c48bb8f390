package org.lrpaudit.model;

/**
 * One image that cannot be explained, with a status code for its output line or row; the other images go on. Statuses:
 * unreadable_image (the file cannot be read), empty_image (zero bytes), undecodable_image (not PNG / JPEG / BMP / GIF,
 * or truncated or corrupt), image_too_small (a side shorter than one patch), image_too_large (more bytes or pixels than
 * {@link ImageFiles} accepts, found before decoding), image_size_mismatch (not the model's size, and its processor does
 * not resize).
 */
public final class ImageException extends Exception {
  public static final String UNREADABLE = "unreadable_image";
  public static final String EMPTY = "empty_image";
  public static final String UNDECODABLE = "undecodable_image";
  public static final String TOO_SMALL = "image_too_small";
  public static final String TOO_LARGE = "image_too_large";
  public static final String WRONG_SIZE = "image_size_mismatch";

  private final String status;

  public ImageException(String status, String message) {
    super(message);
    this.status = status;
  }

  public String status() {
    return status;
  }
}
