package dev.fewstep.cli;

import dev.fewstep.metrics.EvalSettings;
import picocli.CommandLine.Option;

/** The measurement protocol of {@code eval} and {@code bench}: sample count, seeds, feature network, chunking. */
final class EvalOptions {
    @Option(names = "--n", description = "samples per measurement, prompts spread evenly (default: ${DEFAULT-VALUE})")
    int n = 1000;

    @Option(names = "--seed", description = "sample i uses seed K + i (default: ${DEFAULT-VALUE})")
    long seed = 0;

    @Option(names = "--features", description = "feature network (default: the one of the model's dataset)")
    String featuresName;

    @Option(names = "--chunk", description = "prompts per generation call; memory grows with it (default: ${DEFAULT-VALUE})")
    int chunk = EvalSettings.DEFAULT_CHUNK;
}
