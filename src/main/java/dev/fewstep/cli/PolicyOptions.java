package dev.fewstep.cli;

import dev.fewstep.adaptive.PolicyChoice;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/** {@code generate --policy}: the policy's choice for the prompt replaces --model, --sampler, --steps and --cfg. */
final class PolicyOptions {
    private PolicyOptions() {}

    static void apply(GenerateCommand command, CommandSpec spec) {
        if (command.prompts.size() != 1 || command.allPrompts) {
            throw new IllegalArgumentException("--policy picks per prompt: give exactly one --prompt");
        }
        for (String option : List.of("--model", "--sampler", "--steps", "--cfg")) {
            if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                throw new IllegalArgumentException("--policy chooses the model and budget; leave out " + option);
            }
        }
        PolicyChoice choice = PolicyChoice.of(command.policy, command.prompts.get(0));
        System.out.println(choice.describe() + " for \"" + command.prompts.get(0).strip() + "\"");
        command.model = choice.action().model();
        if (choice.action().sampled()) {
            command.budget.sampler = choice.action().budget().sampler();
            command.budget.steps = choice.action().budget().steps();
            command.budget.cfg = choice.action().budget().cfg();
        }
    }
}
