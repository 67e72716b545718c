package dev.fewstep.model;

import ai.djl.ndarray.NDManager;
import dev.fewstep.diffusion.Denoiser;
import dev.fewstep.generate.Generator;
import dev.fewstep.io.Tensor;
import dev.fewstep.nn.UNet;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * What a model file's {@code kind} means: whether it is a teacher (a denoiser sampled in many steps) or a distilled
 * student, how its network is wrapped as a {@link Denoiser}, and how its {@link Generator} is built around that.
 *
 * @param name the {@code kind} in the file's metadata, e.g. "teacher", "sid"
 * @param role {@link #TEACHER} or {@link #STUDENT}
 * @param denoiser the network's preconditioning, e.g. EDM's or a consistency model's boundary scalings, and any
 *     further blocks the file holds (a ControlNet adapter)
 */
public record ModelKind(String name, String role, DenoiserFactory denoiser, GeneratorFactory generator) {
    public static final String TEACHER = "teacher";
    public static final String STUDENT = "student";

    public ModelKind(String name, String role, Function<UNet, Denoiser> denoiser,
            BiFunction<ModelInfo, Denoiser, Generator> generator) {
        this(name, role, (network, info, weights, manager) -> denoiser.apply(network), generator);
    }

    public ModelKind(String name, String role, DenoiserFactory denoiser,
            BiFunction<ModelInfo, Denoiser, Generator> generator) {
        this(name, role, denoiser, (info, around, own) -> generator.apply(info, around));
    }

    /** Builds a kind's generator. */
    @FunctionalInterface
    public interface GeneratorFactory {
        /**
         * @param around the denoiser to sample: the model's own or a wrapper of it (e.g. one that counts calls)
         * @param own the denoiser the kind built, for what it carries besides the network (a latent model's decoder);
         *     null when only the generator's settings are asked for
         */
        Generator build(ModelInfo info, Denoiser around, Denoiser own);
    }

    /** Wraps a loaded network as the kind's denoiser. */
    @FunctionalInterface
    public interface DenoiserFactory {
        /**
         * @param weights every tensor of the model's file (the network's and those of blocks the kind adds)
         * @param manager owns what the denoiser allocates, for the model's lifetime
         */
        Denoiser build(UNet network, ModelInfo info, Map<String, Tensor> weights, NDManager manager);
    }

    /** Declares the kinds of models a method ships, found by {@link java.util.ServiceLoader}. */
    public interface Source {
        java.util.List<ModelKind> kinds();
    }

    public boolean isTeacher() {
        return role.equals(TEACHER);
    }

    public Generator generator(ModelInfo info, Denoiser denoiser) {
        return generator.build(info, denoiser, denoiser);
    }

    /** The generator around {@code around}, a wrapper of the kind's own denoiser {@code own}. */
    public Generator generator(ModelInfo info, Denoiser around, Denoiser own) {
        return generator.build(info, around, own);
    }
}
