package dev.fewstep.distill.codi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.fewstep.diffusion.ControlledDenoiser;
import dev.fewstep.distill.consistency.ConsistencyFunction;
import dev.fewstep.model.Weights;
import dev.fewstep.nn.ControlAdapter;
import dev.fewstep.nn.Layer;
import dev.fewstep.nn.UNet;

/**
 * A CoDi student: a backbone and its ControlNet adapter, as one block (so one Adam and one average cover both), read
 * as a consistency function f_theta(x, t, c). Started from a conditional teacher's two parts. The parameter-efficient
 * student shares the teacher's backbone and owns only its adapter.
 */
final class CodiStudent extends Layer {
    private final UNet network;
    private final ControlAdapter adapter;

    private CodiStudent(UNet network, ControlAdapter adapter, boolean ownsNetwork) {
        this.network = ownsNetwork ? addChildBlock("network", network) : network;
        this.adapter = addChildBlock("adapter", adapter);
    }

    /**
     * @param ownsNetwork a copy of the teacher's backbone that trains (full CoDi), or the teacher's own, frozen (PE)
     */
    static CodiStudent of(ControlledDenoiser teacher, boolean ownsNetwork, NDManager manager) {
        UNet frozen = teacher.frozen().network();
        UNet network = frozen;
        if (ownsNetwork) {
            network = UNet.create(frozen.config(), manager);
            Weights.copy(frozen, network);
        }
        ControlAdapter adapter = ControlAdapter.of(network, teacher.adapter().conditionChannels(), manager);
        Weights.copy(teacher.adapter(), adapter);
        return new CodiStudent(network, adapter, ownsNetwork);
    }

    UNet network() {
        return network;
    }

    ControlAdapter adapter() {
        return adapter;
    }

    /** f_theta(x, t, c): the backbone with the consistency boundary scalings, steered by the adapter. */
    ControlledDenoiser function() {
        return new ControlledDenoiser(ConsistencyFunction.of(network), adapter);
    }

    long parameterCount() {
        return getParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
    }

    @Override
    public NDArray apply(NDArray x) {
        throw new UnsupportedOperationException("a CoDi student is read through function()");
    }
}
