package org.lrpaudit.explain;

/**
 * Relevance of one model token, or of one word (its sub-word tokens summed). start/end are UTF-16 character offsets
 * [start, end) into the text of its segment
 * (0: the text, 1: the pair's second text; omitted from JSON when 0); special tokens have start == end == 0. For merged words id is -1.
 */
public record TokenRelevance(String token, long id, int start, int end, double relevance,
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_DEFAULT)
    int segment) {
  /** A token of the first (or only) text. */
  public TokenRelevance(String token, long id, int start, int end, double relevance) {
    this(token, id, start, end, relevance, 0);
  }
}
