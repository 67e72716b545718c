package dev.fewstep.cli;

import dev.fewstep.generate.Budget;
import picocli.CommandLine.Option;

/** How a teacher is sampled: sampler, steps and guidance; distilled students read none of it. */
final class BudgetOptions {
    @Option(names = "--sampler", description = "euler, heun, ddim or dpmpp2m (default: ${DEFAULT-VALUE})")
    String sampler = "heun";

    @Option(names = "--steps", description = "sampler steps (default: ${DEFAULT-VALUE}; Heun spends 2 NFE a step but the last)")
    int steps = 18;

    @Option(names = "--cfg", description = "classifier-free guidance scale w, 1 = none (default: ${DEFAULT-VALUE})")
    double cfg = 2.0;

    Budget budget() {
        return new Budget(sampler, steps, cfg);
    }
}
