package org.lrpaudit.model;

/** A model folder that cannot be used as it is; the message names the file or field at fault and what to do. */
public class CheckpointException extends RuntimeException {
  public CheckpointException(String message) {
    super(message);
  }

  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
