package dev.fewstep.cli;

import dev.fewstep.distill.codi.ConditionInput;
import dev.fewstep.generate.Control;
import dev.fewstep.generate.ImageInput;
import dev.fewstep.model.DiffusionModel;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --condition} and {@code --mask}: the input of a conditional model (super-resolution, inpainting, sketch). */
final class ConditionOptions {
    @Option(names = "--condition", description = "the input of a conditional model: a low-resolution picture, a picture"
            + " to fill in, or an edge map (any size; resized to the model's)")
    Path condition;

    @Option(names = "--mask", description = "for inpainting: white where the --condition picture is to be filled (same size)")
    Path mask;

    /** Reads the files (clear errors for missing or broken ones) before the model loads. */
    void check() {
        if (mask != null && condition == null) {
            throw new IllegalArgumentException("--mask goes with --condition (the picture to fill in)");
        }
        if (condition != null) {
            ImageInput.read(condition, "--condition");
        }
        if (mask != null) {
            ImageInput.read(mask, "--mask");
        }
    }

    /** The model's control, or null for an unconditional model given no condition. */
    Control control(DiffusionModel model) {
        return ConditionInput.of(model.name(), model.info(),
                condition == null ? null : ImageInput.read(condition, "--condition"),
                mask == null ? null : ImageInput.read(mask, "--mask")).orElse(null);
    }
}
