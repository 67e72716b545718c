package dev.fewstep.cli;

import dev.fewstep.generate.ImageParameters;
import dev.fewstep.generate.PngText;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/** {@code generate --from IMAGE.png}: the options an image's parameters record, put back into the command. */
final class ImageFrom {
    private static final List<String> SET_BY_FROM = List.of("--prompt", "--negative", "--all-prompts", "--model", "--sampler", "--steps",
            "--cfg", "--seed", "--n", "--scale", "--lora");

    private ImageFrom() {}

    /** Reads {@code command.from} and sets the command's options from it; refuses options that would contradict it. */
    static ImageParameters apply(GenerateCommand command, CommandSpec spec) throws IOException {
        for (String option : SET_BY_FROM) {
            if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                throw new IllegalArgumentException("--from takes " + option + " from the image; give only --from and --out");
            }
        }
        if (command.from.toAbsolutePath().normalize().equals(command.out.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("--out is the image --from reads; write the new one elsewhere");
        }
        if (!Files.isRegularFile(command.from)) {
            throw new IllegalArgumentException("--from " + command.from + ": no such file");
        }
        ImageParameters p = ImageParameters.parse(PngText.read(Files.readAllBytes(command.from), ImageParameters.KEY)
                .orElseThrow(() -> new IllegalArgumentException("--from " + command.from
                        + " carries no fewstep parameters (no PNG text chunk named '" + ImageParameters.KEY + "')")));
        command.prompts = new ArrayList<>(p.prompts());
        command.negative = p.negative();
        command.model = p.model();
        command.budget.sampler = p.sampler();
        command.budget.steps = p.steps();
        command.budget.cfg = p.cfg();
        command.seed = p.seed();
        command.n = p.n();
        command.scale = p.scale();
        command.loras = new ArrayList<>(p.loras());
        return p;
    }

    /** Says so when the model's weights changed since the image was made: it is then not reproduced exactly. */
    static void warnIfModelChanged(ImageParameters recorded, ImageParameters now) {
        if (recorded != null && !recorded.modelHash().isEmpty() && !recorded.modelHash().equals(now.modelHash())) {
            System.err.printf("fewstep: warning: %s's weights changed since the image was made (hash %s, now %s); the"
                    + " new image may differ%n", now.model(), recorded.modelHash(), now.modelHash());
        }
    }
}
