package dev.trm.cli;

import picocli.CommandLine.Command;

/** {@code trm build-dataset sudoku|maze|arc}: writes a dataset in the official .npy layout. */
@Command(
    name = "build-dataset",
    mixinStandardHelpOptions = true,
    description = "Build a dataset (sudoku, maze, arc) in the official .npy layout.",
    subcommands = {BuildSudokuCommand.class, BuildMazeCommand.class, BuildArcCommand.class})
public final class BuildDatasetCommand {}
