package org.lrpaudit.train;

/** One training or evaluation row. */
public record LabeledText(String id, String text, int label, String split) {}
