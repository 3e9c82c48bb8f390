package org.lrpaudit.report;

import java.util.List;

/**
 * Which images of an image relevance table (explain-images) to show: the table and its Spark source name, its run
 * (null: the only one), the methods side by side (those the run holds; images are chosen by the first), the ids to
 * show first, and how many images in all (the most confident of each predicted class in turn fill up).
 */
public record ImageChoice(String table, String format, String runId, List<String> methods, List<String> ids,
    int count) {
  public static final List<String> DEFAULT_METHODS = List.of("lrp-ah-ln", "gi");
}
