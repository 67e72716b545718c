package dev.fewstep.distill.codi;

import dev.fewstep.diffusion.ControlledDenoiser;
import dev.fewstep.distill.consistency.ConsistencyFunction;
import dev.fewstep.distill.consistency.ConsistencyGenerator;
import dev.fewstep.model.ModelKind;
import dev.fewstep.model.Weights;
import dev.fewstep.nn.ControlAdapter;
import java.util.List;

/**
 * The kinds package codi ships: conditional teachers ("controlled", {@link ControlledKinds}) and CoDi students
 * ("codi"): a backbone and an adapter read as a conditional consistency function, sampled in 1 to 4 steps.
 */
public final class CodiKinds implements ModelKind.Source {
    public static final String CODI = "codi";
    public static final ModelKind KIND = new ModelKind(CODI, ModelKind.STUDENT,
            (network, info, weights, manager) -> {
                ControlAdapter adapter = ControlAdapter.of(network, ControlledKinds.task(info).channels(), manager);
                Weights.load(adapter, weights, "the adapter of a " + CODI + " model");
                adapter.freezeParameters(true);
                return new ControlledDenoiser(ConsistencyFunction.of(network), adapter);
            },
            (info, denoiser) -> new ConsistencyGenerator(denoiser));

    @Override
    public List<ModelKind> kinds() {
        return List.of(ControlledKinds.KIND, KIND);
    }
}
