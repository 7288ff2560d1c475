package dev.trm.model.config;

import java.util.List;

/** Range and consistency checks on a complete {@link TrmConfig}; each problem names its key. */
final class ConfigValidator {
  private ConfigValidator() {}

  static void check(TrmConfig c, List<String> problems) {
    ArchConfig a = c.getArch();
    positive(problems, "arch.hidden_size", a.getHiddenSize());
    positive(problems, "arch.num_heads", a.getNumHeads());
    if (a.getNumHeads() > 0 && a.getHiddenSize() % a.getNumHeads() != 0) {
      problems.add("arch.hidden_size " + a.getHiddenSize() + " is not a multiple of arch.num_heads " + a.getNumHeads());
    }
    if (a.getPosEncodings() == PosEncoding.ROPE && a.getNumHeads() > 0 && (a.getHiddenSize() / a.getNumHeads()) % 2 != 0) {
      problems.add("arch.pos_encodings ROPE needs an even head dimension, got " + a.getHiddenSize() / a.getNumHeads());
    }
    positive(problems, "arch.expansion", a.getExpansion());
    positive(problems, "arch.l_layers", a.getLLayers());
    positive(problems, "arch.h_cycles", a.getHCycles());
    positive(problems, "arch.l_cycles", a.getLCycles());
    positive(problems, "arch.halt_max_steps", a.getHaltMaxSteps());
    positive(problems, "arch.rms_norm_eps", a.getRmsNormEps());
    nonNegative(problems, "arch.puzzle_emb_ndim", a.getPuzzleEmbNdim());
    nonNegative(problems, "arch.puzzle_emb_len", a.getPuzzleEmbLen());
    probability(problems, "arch.halt_exploration_prob", a.getHaltExplorationProb());
    specified(problems, "arch.pos_encodings", a.getPosEncodings().getNumber());
    specified(problems, "arch.forward_dtype", a.getForwardDtype().getNumber());
    specified(problems, "arch.loss_type", a.getLossType().getNumber());
    if (a.getPosEncodings() == PosEncoding.UNRECOGNIZED || a.getForwardDtype() == DType.UNRECOGNIZED
        || a.getLossType() == LossType.UNRECOGNIZED) {
      problems.add("arch: unknown enum value");
    }

    TrainConfig t = c.getTrain();
    positive(problems, "train.global_batch_size", t.getGlobalBatchSize());
    positive(problems, "train.epochs", t.getEpochs());
    positive(problems, "train.eval_interval", t.getEvalInterval());
    positive(problems, "train.lr", t.getLr());
    probability(problems, "train.lr_min_ratio", t.getLrMinRatio());
    nonNegative(problems, "train.lr_warmup_steps", t.getLrWarmupSteps());
    nonNegative(problems, "train.weight_decay", t.getWeightDecay());
    probability(problems, "train.beta1", t.getBeta1());
    probability(problems, "train.beta2", t.getBeta2());
    nonNegative(problems, "train.adam_epsilon", t.getAdamEpsilon());
    nonNegative(problems, "train.grad_clip_norm", t.getGradClipNorm());
    nonNegative(problems, "train.puzzle_emb_lr", t.getPuzzleEmbLr());
    nonNegative(problems, "train.puzzle_emb_weight_decay", t.getPuzzleEmbWeightDecay());
    probability(problems, "train.ema_rate", t.getEmaRate());
    positive(problems, "train.checkpoints_keep", t.getCheckpointsKeep());
    nonNegative(problems, "train.max_train_seconds", t.getMaxTrainSeconds());
    specified(problems, "train.optimizer", t.getOptimizer().getNumber());
    specified(problems, "train.loop", t.getLoop().getNumber());

    EvalConfig e = c.getEval();
    positive(problems, "eval.batch_size", e.getBatchSize());
    nonNegative(problems, "eval.max_examples", e.getMaxExamples());
    for (String ev : e.getEvaluatorsList()) {
      if (!ev.equals("arc")) {
        problems.add("eval.evaluators: unknown evaluator '" + ev + "' (known: arc)");
      }
    }
    if (c.getData().getPath().isBlank()) {
      problems.add("data.path is empty");
    }
    if (c.getData().hasGenerateSudoku()) {
      SudokuGeneration g = c.getData().getGenerateSudoku();
      if (g.getSize() != 4 && g.getSize() != 6 && g.getSize() != 9) {
        problems.add("data.generate_sudoku.size must be 4, 6 or 9, got " + g.getSize());
      }
      positive(problems, "data.generate_sudoku.givens", g.getGivens());
      positive(problems, "data.generate_sudoku.train_puzzles", g.getTrainPuzzles());
      positive(problems, "data.generate_sudoku.test_puzzles", g.getTestPuzzles());
      nonNegative(problems, "data.generate_sudoku.augmentations", g.getAugmentations());
    }
    if (c.getData().hasGenerateMaze()) {
      MazeGeneration g = c.getData().getGenerateMaze();
      positive(problems, "data.generate_maze.size", g.getSize());
      positive(problems, "data.generate_maze.train_mazes", g.getTrainMazes());
      positive(problems, "data.generate_maze.test_mazes", g.getTestMazes());
    }
  }

  private static void positive(List<String> problems, String key, double v) {
    if (!(v > 0)) {
      problems.add(key + " must be > 0, got " + v);
    }
  }

  private static void nonNegative(List<String> problems, String key, double v) {
    if (!(v >= 0)) {
      problems.add(key + " must be >= 0, got " + v);
    }
  }

  private static void probability(List<String> problems, String key, double v) {
    if (!(v >= 0 && v <= 1)) {
      problems.add(key + " must be in [0, 1], got " + v);
    }
  }

  private static void specified(List<String> problems, String key, int enumNumber) {
    if (enumNumber == 0) {
      problems.add(key + " must be set to a value other than its *_UNSPECIFIED");
    }
  }
}
