package dev.trm.bench;

import static com.google.common.truth.Truth.assertThat;

import dev.trm.bench.TokenMixVariants.Layout;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.ConfigProto;

class TokenMixVariantsTest {
  @Test
  void everyLayoutComputesTheSameGradients() {
    ConfigProto config = ConfigProto.getDefaultInstance();
    float[] norms = new float[Layout.values().length];
    for (Layout layout : Layout.values()) {
      try (TokenMixVariants v = new TokenMixVariants(layout, 3, 7, 5, 4, config)) {
        norms[layout.ordinal()] = v.run();
      }
    }
    assertThat(norms[0]).isGreaterThan(0f);
    assertThat(norms[1]).isWithin(1e-4f * norms[0]).of(norms[0]);
    assertThat(norms[2]).isWithin(1e-4f * norms[0]).of(norms[0]);
  }
}
