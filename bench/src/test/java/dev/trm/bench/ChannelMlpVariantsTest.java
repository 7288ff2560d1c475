package dev.trm.bench;

import static com.google.common.truth.Truth.assertThat;

import dev.trm.bench.ChannelMlpVariants.Form;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.ConfigProto;

class ChannelMlpVariantsTest {
  @Test
  void bothFormsComputeTheSameGradients() {
    float[] norms = new float[Form.values().length];
    for (Form form : Form.values()) {
      try (ChannelMlpVariants v = new ChannelMlpVariants(form, 3, 5, 4, 6, ConfigProto.getDefaultInstance())) {
        norms[form.ordinal()] = v.run();
      }
    }
    assertThat(norms[0]).isGreaterThan(0f);
    assertThat(norms[1]).isWithin(1e-4f * norms[0]).of(norms[0]);
  }
}
