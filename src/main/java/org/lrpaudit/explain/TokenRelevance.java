package org.lrpaudit.explain;

/**
 * Relevance of one model token, or of one word (its sub-word tokens summed). start/end are UTF-16 character offsets
 * [start, end) into the text; special tokens have start == end == 0. For merged words id is -1.
 */
public record TokenRelevance(String token, long id, int start, int end, double relevance) {}
