package dev.fewstep.adaptive;

import dev.fewstep.metrics.ReferenceSet;
import java.util.Arrays;

/** The yardstick pieces a quality table is measured with, from a feature network's cached real features. */
public final class QualitySetup {
    /** Floor images that set the realism normaliser d_real: enough for a stable median, cheap to search. */
    public static final int FLOOR_IMAGES = 1000;

    private QualitySetup() {}

    public static Realism realism(ReferenceSet reference) {
        int floor = Math.min(FLOOR_IMAGES, reference.floorCount());
        return new Realism(reference.referenceFeatures(), reference.referenceCount(), reference.dim(),
                Arrays.copyOf(reference.floorFeatures(), floor * reference.dim()), floor);
    }
}
