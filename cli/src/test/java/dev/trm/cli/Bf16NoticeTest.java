package dev.trm.cli;

import static com.google.common.truth.Truth.assertThat;

import dev.trm.bench.CpuModel;
import dev.trm.model.config.DType;
import dev.trm.model.config.TrmConfig;
import org.junit.jupiter.api.Test;

class Bf16NoticeTest {
  private static final CpuModel EPYC = new CpuModel("AMD EPYC 9R14", 2, false);
  private static final CpuModel XEON = new CpuModel("Intel(R) Xeon(R) Platinum 8488C", 2, true);

  private static TrmConfig computingIn(DType dtype) {
    TrmConfig.Builder b = TrmConfig.newBuilder().setName("paper");
    b.getArchBuilder().setForwardDtype(dtype);
    return b.build();
  }

  @Test
  void bf16WithoutAmxNamesTheCpuAndTheFix() {
    String notice = Bf16Notice.of(computingIn(DType.BFLOAT16), EPYC).orElseThrow();
    assertThat(notice).contains("AMD EPYC 9R14");
    assertThat(notice).contains("arch.forward_dtype: FLOAT32");
  }

  @Test
  void silentWithAmxOrInFp32() {
    assertThat(Bf16Notice.of(computingIn(DType.BFLOAT16), XEON)).isEmpty();
    assertThat(Bf16Notice.of(computingIn(DType.FLOAT32), EPYC)).isEmpty();
  }
}
