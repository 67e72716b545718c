package dev.fewstep.distill.sid;

import ai.djl.ndarray.NDManager;
import dev.fewstep.diffusion.EdmDenoiser;
import dev.fewstep.generate.StudentGenerator;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.Weights;
import dev.fewstep.nn.UNet;
import dev.fewstep.train.Adam;
import dev.fewstep.train.Ema;
import dev.fewstep.train.loop.Slot;
import java.util.List;

/**
 * SiD's networks and their optimisers: the generator G_theta (one-step, at sigma_init), the fake score network
 * f_psi, both started as copies of the teacher, and the generator's weight average, which is what ships.
 */
final class SidNetworks {
    final UNet generatorNetwork;
    final UNet fakeNetwork;
    final UNet averageNetwork;
    final StudentGenerator generator;
    final EdmDenoiser fake;
    final Adam generatorAdam;
    final Adam fakeAdam;
    final Ema ema;
    private final List<Double> sigmas;

    SidNetworks(SidConfig config, DiffusionModel teacher, NDManager manager) {
        var shape = teacher.info().config();
        generatorNetwork = UNet.create(shape, manager);
        fakeNetwork = UNet.create(shape, manager);
        averageNetwork = UNet.create(shape, manager);
        Weights.copy(teacher.network(), generatorNetwork);
        Weights.copy(teacher.network(), fakeNetwork);
        // Every network is frozen except while its own loss is differentiated and stepped: PyTorch accumulates
        // gradients on parameters until an Adam step zeroes them, so a network merely evaluated inside another's
        // gradient collector must not require gradients.
        generatorNetwork.freezeParameters(true);
        fakeNetwork.freezeParameters(true);
        averageNetwork.freezeParameters(true);
        sigmas = List.of(config.loss().sigmaInit());
        generator = new StudentGenerator(new EdmDenoiser(generatorNetwork), sigmas);
        fake = new EdmDenoiser(fakeNetwork);
        SidConfig.Optimiser o = config.optimiser();
        generatorAdam = new Adam(generatorNetwork, manager, o.beta1(), o.beta2(), o.epsilon());
        fakeAdam = new Adam(fakeNetwork, manager, o.beta1(), o.beta2(), o.epsilon());
        ema = new Ema(generatorNetwork, averageNetwork, Ema.halfLife(o.emaHalfLifeImages(), o.emaRampup(), config.run().batch()));
    }

    List<Slot> slots() {
        return List.of(Slot.of("generator", generatorNetwork), Slot.of("fake", fakeNetwork),
                Slot.of("generator_adam", generatorAdam), Slot.of("fake_adam", fakeAdam));
    }

    /** The averaged generator, as it is shipped. */
    StudentGenerator averaged() {
        return new StudentGenerator(new EdmDenoiser(averageNetwork), sigmas);
    }
}
