package dev.fewstep.model;

import dev.fewstep.diffusion.EdmDenoiser;
import dev.fewstep.generate.StudentGenerator;
import dev.fewstep.generate.TeacherGenerator;
import dev.fewstep.io.CheckpointException;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The model kinds by name: the teacher and SiD's one-step students here, and those a method package declares as a
 * {@link ModelKind.Source} service (one line in {@code META-INF/services/dev.fewstep.model.ModelKind$Source}).
 * Everything that loads, lists, serves or measures models asks the kind, never the name.
 */
public final class ModelKinds {
    private static final Map<String, ModelKind> KINDS = new ConcurrentHashMap<>();

    static {
        register(new ModelKind(ModelInfo.TEACHER, ModelKind.TEACHER, EdmDenoiser::new,
                (info, denoiser) -> new TeacherGenerator(denoiser)));
        register(new ModelKind(ModelInfo.SID, ModelKind.STUDENT, EdmDenoiser::new,
                (info, denoiser) -> new StudentGenerator(denoiser, info.sigmas())));
        ServiceLoader.load(ModelKind.Source.class).forEach(source -> source.kinds().forEach(ModelKinds::register));
    }

    private ModelKinds() {}

    public static void register(ModelKind kind) {
        KINDS.put(kind.name(), kind);
    }

    /** @throws CheckpointException for a kind no method registered */
    public static ModelKind of(String name) {
        ModelKind kind = name == null ? null : KINDS.get(name);
        if (kind == null) {
            throw new CheckpointException("unknown model kind '" + name + "' (known: "
                    + String.join(", ", new java.util.TreeSet<>(KINDS.keySet())) + ")");
        }
        return kind;
    }
}
