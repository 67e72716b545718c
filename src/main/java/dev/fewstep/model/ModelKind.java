package dev.fewstep.model;

import dev.fewstep.diffusion.Denoiser;
import dev.fewstep.generate.Generator;
import dev.fewstep.nn.UNet;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * What a model file's {@code kind} means: whether it is a teacher (a denoiser sampled in many steps) or a distilled
 * student, how its network is wrapped as a {@link Denoiser}, and how its {@link Generator} is built around that.
 *
 * @param name the {@code kind} in the file's metadata, e.g. "teacher", "sid"
 * @param role {@link #TEACHER} or {@link #STUDENT}
 * @param denoiser the network's preconditioning, e.g. EDM's or a consistency model's boundary scalings
 */
public record ModelKind(String name, String role, Function<UNet, Denoiser> denoiser,
        BiFunction<ModelInfo, Denoiser, Generator> generator) {
    public static final String TEACHER = "teacher";
    public static final String STUDENT = "student";

    /** Declares the kinds of models a method ships, found by {@link java.util.ServiceLoader}. */
    public interface Source {
        java.util.List<ModelKind> kinds();
    }

    public boolean isTeacher() {
        return role.equals(TEACHER);
    }

    public Generator generator(ModelInfo info, Denoiser denoiser) {
        return generator.apply(info, denoiser);
    }
}
