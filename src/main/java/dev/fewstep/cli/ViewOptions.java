package dev.fewstep.cli;

import dev.fewstep.model.DiffusionModel;
import dev.fewstep.threed.Camera;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** The camera of a view-conditioned model (the shapes teacher): where the images are seen from. */
final class ViewOptions {
    static final double DEFAULT_AZIMUTH = 30;
    static final double DEFAULT_ELEVATION = 20;

    @Option(names = "--azimuth", description = "a view-conditioned model's camera azimuth in degrees, around the"
            + " vertical axis, 0 looking from the front (default: ${DEFAULT-VALUE})", defaultValue = "30")
    double azimuth = DEFAULT_AZIMUTH;

    @Option(names = "--elevation", description = "a view-conditioned model's camera elevation in degrees, within ±89;"
            + " the shapes data spans -10 to 40 (default: ${DEFAULT-VALUE})", defaultValue = "20")
    double elevation = DEFAULT_ELEVATION;

    /**
     * The camera embedding for a view-conditioned model, null for any other model.
     *
     * @throws IllegalArgumentException when --azimuth or --elevation is given for a model without a camera
     */
    float[] camera(DiffusionModel model, CommandSpec spec) {
        boolean given = spec.commandLine().getParseResult().hasMatchedOption("--azimuth")
                || spec.commandLine().getParseResult().hasMatchedOption("--elevation");
        if (model.info().config().cameraDim() == 0) {
            if (given) {
                throw new IllegalArgumentException("--azimuth/--elevation: " + model.name()
                        + " is not view-conditioned (it was trained without cameras)");
            }
            return null;
        }
        return new Camera(azimuth, elevation).embedding();
    }
}
