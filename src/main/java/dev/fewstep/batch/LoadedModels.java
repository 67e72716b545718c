package dev.fewstep.batch;

import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelStore;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The models of this JVM, each loaded once on first use and kept: Spark runs many partitions in one executor JVM
 * (several at once with several cores), and loading per partition would cost a load per task and a copy of the
 * weights per running task. Inference on a {@link DiffusionModel} is thread-safe, so the tasks share it.
 */
public final class LoadedModels {
    private static final Map<String, DiffusionModel> MODELS = new ConcurrentHashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();

    private LoadedModels() {}

    /**
     * @param hash the model hash the driver saw: an executor whose model folder holds other weights is refused, so
     *     one batch never mixes two models under one name
     */
    public static DiffusionModel get(String model, String hash) {
        DiffusionModel loaded = MODELS.computeIfAbsent(model, name -> {
            LOADS.incrementAndGet();
            return DiffusionModel.load(ModelStore.resolve(name));
        });
        if (!loaded.hash().equals(hash)) {
            throw new IllegalArgumentException("model " + model + " on this executor has weights " + loaded.hash()
                    + " but the driver's has " + hash + "; every executor needs the same model folder");
        }
        return loaded;
    }

    /** How many models this JVM has loaded so far. */
    public static int loads() {
        return LOADS.get();
    }

    /** Frees every model's native memory (the driver, when a local-mode batch ends). */
    public static void closeAll() {
        MODELS.values().forEach(DiffusionModel::close);
        MODELS.clear();
    }
}
