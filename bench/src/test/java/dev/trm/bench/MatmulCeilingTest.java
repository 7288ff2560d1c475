package dev.trm.bench;

import static com.google.common.truth.Truth.assertThat;

import dev.trm.model.TrmShape;
import dev.trm.model.config.PosEncoding;
import dev.trm.training.Sessions;
import java.util.List;
import org.junit.jupiter.api.Test;

class MatmulCeilingTest {
  /** D 4, 2 heads, P 1 + S 3 = L 4, vocab 5, channel inter 8, token inter 6, 2 layers, T 2, n 1. */
  private static TrmShape tiny(boolean mlpT) {
    return new TrmShape(4, 2, 2, 4, 1, 3, 4, 5, 1, 8, mlpT ? 6 : 0, 2, 2, 1, mlpT,
        mlpT ? PosEncoding.NONE : PosEncoding.ROPE, 10000f, 1e-5f, 16);
  }

  private static double flops(List<MatmulCeiling.Product> products) {
    return products.stream().mapToDouble(MatmulCeiling.Product::flops).sum();
  }

  @Test
  void productsCoverTheCountedWeightFlops() {
    int batch = 3;
    for (boolean mlpT : new boolean[] {false, true}) {
      TrmShape shape = tiny(mlpT);
      FlopCounter counter = FlopCounter.of(shape);
      // The ceiling leaves out the heads and the attention's scores and values (2 * 2 L^2 D per layer).
      double core = mlpT ? 0 : shape.layers() * 4.0 * shape.totalLen() * shape.totalLen() * shape.hidden();
      double perApplication = counter.netApplication() - core;
      int applications = counter.applicationsPerActStep() + 2 * counter.applicationsWithGradient();
      assertThat(flops(MatmulCeiling.trainStep(shape, batch))).isEqualTo(batch * applications * perApplication);
      assertThat(flops(MatmulCeiling.inference(shape, batch, 16)))
          .isEqualTo(batch * 16.0 * counter.applicationsPerActStep() * perApplication);
    }
  }

  @Test
  void backwardProductsSwapTheShapes() {
    // Attention, batch 1: qkv [4, 4] x [4, 12] forward; dx [4, 12] x [12, 4]; dW [12, 4]^T-side x [4, 4].
    List<MatmulCeiling.Product> train = MatmulCeiling.trainStep(tiny(false), 1);
    assertThat(train).contains(new MatmulCeiling.Product(4, 4, 12, false, true, 8));
    assertThat(train).contains(new MatmulCeiling.Product(4, 12, 4, false, false, 4));
    assertThat(train).contains(new MatmulCeiling.Product(12, 4, 4, true, false, 4));
  }

  @Test
  void measuresAPositiveRateInBothPrecisions() {
    List<MatmulCeiling.Product> products = List.of(new MatmulCeiling.Product(64, 32, 48, false, true, 3),
        new MatmulCeiling.Product(48, 64, 32, true, false, 1));
    for (boolean bf16 : new boolean[] {false, true}) {
      double gflops = MatmulCeiling.measureGflops(products, bf16, Sessions.config(), 2);
      assertThat(gflops).isGreaterThan(0.0);
      assertThat(Double.isFinite(gflops)).isTrue();
    }
  }
}
