package dev.trm.viz;

/** One grid of a picture: a title above it, the tokens, what is marked, and a caption below it ("" for none). */
public record GridPanel(String title, int[] tokens, CellMarks marks, String caption) {}
