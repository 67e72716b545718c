package dev.fewstep.train.loop;

import ai.djl.ndarray.NDArray;

/** A loss as an update needs it: the scalar to differentiate and the value to report (NaN or infinite: skip). */
public interface Objective {
    NDArray objective();

    double reported();

    /** A scalar loss reported as itself. */
    static Objective of(NDArray loss) {
        double value = loss.getFloat();
        return new Objective() {
            @Override
            public NDArray objective() {
                return loss;
            }

            @Override
            public double reported() {
                return value;
            }
        };
    }
}
