package org.lrpaudit.explain;

/**
 * Relevance of one position of an image's sequence: index 0 is [CLS] (row and col -1: it covers no pixels), index
 * 1 + row * cols + col the patch in that row and column of the grid.
 */
public record PatchRelevance(int index, int row, int col, double relevance) {}
