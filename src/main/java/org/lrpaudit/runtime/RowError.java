package org.lrpaudit.runtime;

import java.io.Serializable;

/**
 * Why a row has no explanation: a status code of the relevance table (never "ok") and a message for people.
 * Codes: null_text, empty_text, invalid_text, invalid_unicode, malformed_line, missing_id, no_tokens, bad_label,
 * bad_target, tokenize_failed, explain_failed.
 */
public record RowError(String status, String message) implements Serializable {
  public static final String NULL_TEXT = "null_text";
  public static final String EMPTY_TEXT = "empty_text";
  public static final String INVALID_TEXT = "invalid_text";
  public static final String INVALID_UNICODE = "invalid_unicode";
  public static final String MALFORMED_LINE = "malformed_line";
  public static final String MISSING_ID = "missing_id";
  public static final String NO_TOKENS = "no_tokens";
  public static final String BAD_LABEL = "bad_label";
  public static final String BAD_TARGET = "bad_target";
  public static final String TOKENIZE_FAILED = "tokenize_failed";
  public static final String EXPLAIN_FAILED = "explain_failed";
}
