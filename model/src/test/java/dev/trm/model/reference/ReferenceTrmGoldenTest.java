package dev.trm.model.reference;

import static com.google.common.truth.Truth.assertWithMessage;
import static dev.trm.model.reference.GoldenFiles.doubles;
import static dev.trm.model.reference.GoldenFiles.doubles2;
import static dev.trm.model.reference.GoldenFiles.doubles3;
import static dev.trm.model.reference.GoldenFiles.ints;
import static dev.trm.model.reference.GoldenFiles.ints2;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trm.model.config.ArchConfig;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checks {@link ReferenceTrm}, {@link ReferenceActStep} and {@link ReferenceLosses} against golden values from
 * {@code reference/trm_numpy.py}, a float64 numpy implementation written separately from the Java code (regenerate with
 * {@code python3 trm_numpy.py golden model/src/test/resources/reference}). Each file holds a tiny config, its weights
 * and six ACT steps (four TRAIN with exploration, two EVAL) chained from an all-halted carry, so they cover slot
 * reset, halting on q_halt > 0, exploration delays and the step cap.
 */
class ReferenceTrmGoldenTest {
  /** Both sides are float64 running the same maths, in a different order. */
  private static final double TOLERANCE = 1e-9;

  @ParameterizedTest
  @ValueSource(strings = {"att_rope", "att_learned", "mlp_none"})
  void referenceMatchesNumpyGolden(String name) throws IOException {
    JsonNode doc = GoldenFiles.load(name);
    ArchConfig arch = GoldenFiles.arch(doc);
    ReferenceTrm trm = new ReferenceTrm(arch, GoldenFiles.dims(doc), GoldenFiles.weights(doc));
    ReferenceActStep act = new ReferenceActStep(trm);

    JsonNode steps = doc.get("steps");
    ReferenceActStep.Carry carry = ReferenceActStep.initialCarry(trm.dims(), steps.get(0).get("q_halt").size());
    for (int i = 0; i < steps.size(); i++) {
      JsonNode step = steps.get(i);
      String where = name + " step " + i;
      JsonNode batch = step.get("batch");
      ReferenceActStep.Step out = act.step(carry,
          new ReferenceActStep.NewExamples(ints2(batch.get("inputs")), ints2(batch.get("labels")),
              ints(batch.get("puzzle_identifiers"))),
          ReferenceActStep.Mode.valueOf(step.get("mode").asText()), doubles(step.get("explore_uniform")),
          ints(step.get("explore_min_halt")));
      if (step.has("slot0")) {
        checkFirstStepIntermediates(trm, out, step.get("slot0"), where);
      }
      assertWithMessage("%s logits", where).that(MaxAbsDiff.of(out.logits(), doubles3(step.get("logits"))))
          .isAtMost(TOLERANCE);
      assertWithMessage("%s q_halt", where).that(MaxAbsDiff.of(out.qHalt(), doubles(step.get("q_halt"))))
          .isAtMost(TOLERANCE);
      assertWithMessage("%s q_continue", where).that(MaxAbsDiff.of(out.qContinue(), doubles(step.get("q_continue"))))
          .isAtMost(TOLERANCE);
      checkCarry(out.next(), step.get("carry"), where);

      ReferenceLosses.Result r = ReferenceLosses.compute(arch.getLossType(), out.logits(), out.current().labels(),
          out.qHalt(), out.next().halted(), out.next().steps());
      JsonNode want = step.get("losses");
      assertWithMessage("%s lm_loss", where).that(r.lmLoss()).isWithin(TOLERANCE).of(want.get("lm_loss").asDouble());
      assertWithMessage("%s q_halt_loss", where).that(r.qHaltLoss()).isWithin(TOLERANCE)
          .of(want.get("q_halt_loss").asDouble());
      assertWithMessage("%s total", where).that(r.total()).isWithin(TOLERANCE).of(want.get("total").asDouble());
      assertWithMessage("%s count", where).that(r.count()).isEqualTo(want.get("count").asInt());
      assertWithMessage("%s accuracy", where).that(r.accuracy()).isWithin(TOLERANCE)
          .of(want.get("accuracy").asDouble());
      assertWithMessage("%s exact_accuracy", where).that(r.exactAccuracy())
          .isEqualTo(want.get("exact_accuracy").asInt());
      assertWithMessage("%s q_halt_accuracy", where).that(r.qHaltAccuracy())
          .isEqualTo(want.get("q_halt_accuracy").asInt());
      assertWithMessage("%s steps", where).that(r.steps()).isEqualTo(want.get("steps").asInt());
      assertWithMessage("%s predictions", where).that(r.predictions()).isEqualTo(ints2(want.get("predictions")));
      carry = out.next();
    }
  }

  /** On the first step every slot starts from H_init / L_init: check x, one block and one f for slot 0. */
  private static void checkFirstStepIntermediates(
      ReferenceTrm trm, ReferenceActStep.Step out, JsonNode slot0, String where) {
    double[][] x = trm.inputEmbeddings(out.current().inputs()[0], out.current().puzzleIds()[0]);
    assertWithMessage("%s input embeddings", where).that(MaxAbsDiff.of(x, doubles2(slot0.get("input_embeddings"))))
        .isAtMost(TOLERANCE);
    ReferenceTrm.State init = trm.initialState();
    double[][] injected = ReferenceMath.add(init.z(), ReferenceMath.add(init.y(), x));
    assertWithMessage("%s first block", where)
        .that(MaxAbsDiff.of(trm.block(0, injected), doubles2(slot0.get("first_block")))).isAtMost(TOLERANCE);
    assertWithMessage("%s first f", where)
        .that(MaxAbsDiff.of(trm.reasoningNet(init.z(), ReferenceMath.add(init.y(), x)), doubles2(slot0.get("first_f"))))
        .isAtMost(TOLERANCE);
  }

  private static void checkCarry(ReferenceActStep.Carry got, JsonNode want, String where) {
    assertWithMessage("%s z_H", where).that(MaxAbsDiff.of(got.y(), doubles3(want.get("z_H")))).isAtMost(TOLERANCE);
    assertWithMessage("%s z_L", where).that(MaxAbsDiff.of(got.z(), doubles3(want.get("z_L")))).isAtMost(TOLERANCE);
    assertWithMessage("%s steps", where).that(got.steps()).isEqualTo(ints(want.get("steps")));
    boolean[] halted = new boolean[want.get("halted").size()];
    for (int i = 0; i < halted.length; i++) {
      halted[i] = want.get("halted").get(i).asBoolean();
    }
    assertWithMessage("%s halted", where).that(got.halted()).isEqualTo(halted);
    assertWithMessage("%s inputs", where).that(got.inputs()).isEqualTo(ints2(want.get("inputs")));
    assertWithMessage("%s labels", where).that(got.labels()).isEqualTo(ints2(want.get("labels")));
    assertWithMessage("%s puzzle ids", where).that(got.puzzleIds()).isEqualTo(ints(want.get("puzzle_identifiers")));
  }
}
