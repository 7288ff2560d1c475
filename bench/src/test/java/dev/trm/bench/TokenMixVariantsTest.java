package dev.trm.bench;

import static com.google.common.truth.Truth.assertThat;

import dev.trm.bench.TokenMixVariants.Layout;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.ConfigProto;

class TokenMixVariantsTest {
  private static float gradNorm(Layout layout, boolean bf16) {
    try (TokenMixVariants v = new TokenMixVariants(layout, 3, 7, 5, 4, bf16, ConfigProto.getDefaultInstance())) {
      return v.run();
    }
  }

  @Test
  void everyLayoutComputesTheSameGradients() {
    float reference = gradNorm(Layout.TRANSPOSED, false);
    assertThat(reference).isGreaterThan(0f);
    assertThat(gradNorm(Layout.LEFT_BATCHED, false)).isWithin(1e-4f * reference).of(reference);
    assertThat(gradNorm(Layout.SEQUENCE_MAJOR, false)).isWithin(1e-4f * reference).of(reference);
  }

  @Test
  void bfloat16ProductsStayCloseToFloat32() {
    float reference = gradNorm(Layout.SEQUENCE_MAJOR, false);
    // bfloat16 keeps 8 significant bits: about 0.4% per rounding.
    assertThat(gradNorm(Layout.SEQUENCE_MAJOR, true)).isWithin(0.03f * reference).of(reference);
    assertThat(gradNorm(Layout.LEFT_BATCHED, true)).isWithin(0.03f * reference).of(reference);
  }
}
