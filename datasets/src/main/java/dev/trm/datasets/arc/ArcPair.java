package dev.trm.datasets.arc;

/** One input/output pair of an ARC task (a demonstration or a test pair). */
public record ArcPair(ArcGrid input, ArcGrid output) {
  /** The pair with both grids augmented the same way. */
  public ArcPair augment(ArcAugmentation augmentation) {
    return new ArcPair(augmentation.apply(input), augmentation.apply(output));
  }
}
