package dev.fewstep.model;

import dev.fewstep.diffusion.Denoiser;
import dev.fewstep.generate.Generator;
import java.util.function.BiFunction;

/**
 * What a model file's {@code kind} means: whether it is a teacher (a denoiser sampled in many steps) or a distilled
 * student, and how its {@link Generator} is built around its denoiser.
 *
 * @param name the {@code kind} in the file's metadata, e.g. "teacher", "sid"
 * @param role {@link #TEACHER} or {@link #STUDENT}
 */
public record ModelKind(String name, String role, BiFunction<ModelInfo, Denoiser, Generator> generator) {
    public static final String TEACHER = "teacher";
    public static final String STUDENT = "student";

    public boolean isTeacher() {
        return role.equals(TEACHER);
    }

    public Generator generator(ModelInfo info, Denoiser denoiser) {
        return generator.apply(info, denoiser);
    }
}
