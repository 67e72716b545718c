package dev.fewstep.serve;

import dev.fewstep.generate.InvalidRequestException;
import dev.fewstep.io.SafeTensors;
import dev.fewstep.model.DiffusionModel;
import dev.fewstep.model.ModelCheck;
import dev.fewstep.model.ModelInfo;
import dev.fewstep.model.ModelStore;
import dev.fewstep.nn.lora.LoraModels;
import dev.fewstep.nn.lora.LoraSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models a server can use: every sub-folder of the models folder that holds {@code model.safetensors}
 * (the layout of {@link ModelStore}). The folder is listed again on every call, so models that land while the
 * server runs (new one-step students) appear without a restart. Each model loads once, on first use, and is then
 * shared by all requests; inference on a {@link DiffusionModel} is thread-safe.
 *
 * <p>Requests name models only by folder name, never by path, so a request cannot make the server read a file
 * outside the models folder.
 */
public final class ModelRegistry implements AutoCloseable {
    /** The model the page shows first when no one-step student for its data exists yet. */
    public static final String PREFERRED_TEACHER = "fashion-teacher";

    private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);

    /** A model's name and what its file says about it. */
    public record Entry(String name, ModelInfo info) {}

    /** Metadata read from a file, kept while the file is unchanged (reading it means reading all weights). */
    private record CachedInfo(FileTime modified, long size, ModelInfo info) {}

    private final Path root;
    private final Map<String, CachedInfo> infos = new ConcurrentHashMap<>();
    private final Map<String, ModelSlot> slots = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public ModelRegistry(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** The usable models, by name. A file that cannot be read (corrupt, half-copied) is left out and logged. */
    public List<Entry> list() {
        List<Entry> entries = new ArrayList<>();
        for (String name : folderNames()) {
            ModelSlot slot = slots.get(name);
            DiffusionModel loaded = slot == null ? null : slot.loadedOrNull();
            if (loaded != null) {
                // Describe the weights that generate, even if training has since replaced the file.
                entries.add(new Entry(name, loaded.info()));
                continue;
            }
            readInfo(name).ifPresent(info -> entries.add(new Entry(name, info)));
        }
        return entries;
    }

    public Optional<Entry> find(String name) {
        return list().stream().filter(entry -> entry.name().equals(name)).findFirst();
    }

    /** How many usable models the folder holds, as {@link #list()} shows them (files are read once per version). */
    public int count() {
        return list().size();
    }

    public boolean isLoaded(String name) {
        ModelSlot slot = slots.get(name);
        return slot != null && slot.loadedOrNull() != null;
    }

    /**
     * The model the page selects first: a one-step student trained for the preferred teacher's data (or distilled
     * from it), else the preferred teacher, else any one-step model, else the first model.
     */
    public Optional<String> defaultModel() {
        List<Entry> entries = list();
        Optional<Entry> teacher = entries.stream().filter(entry -> entry.name().equals(PREFERRED_TEACHER)).findFirst();
        if (teacher.isPresent()) {
            String dataset = teacher.get().info().dataset();
            Optional<Entry> student = entries.stream()
                    .filter(entry -> !entry.info().modelKind().isTeacher())
                    .filter(entry -> !entry.info().extra().containsKey("task")) // conditional models need an input
                    .filter(entry -> PREFERRED_TEACHER.equals(entry.info().extra().get("teacher"))
                            || (dataset != null && dataset.equals(entry.info().dataset())))
                    .findFirst();
            return Optional.of(student.orElse(teacher.get()).name());
        }
        return entries.stream()
                .sorted(Comparator.comparing((Entry entry) -> entry.info().extra().containsKey("task"))
                        .thenComparing((Entry entry) -> entry.info().modelKind().isTeacher()))
                .map(Entry::name)
                .findFirst();
    }

    /**
     * The loaded model of that name, loading it on first use.
     *
     * @throws UnknownModelException when no such model exists
     * @throws InvalidRequestException naming "model" when its file cannot be read
     */
    public DiffusionModel get(String name) {
        if (closed) {
            throw new IllegalStateException("the model registry is closed");
        }
        requireUsable(name);
        return slots.computeIfAbsent(name, ModelSlot::new).get();
    }

    /** Distinct model-and-adapters combinations kept loaded; each is a full copy of its model's weights. */
    static final int MAX_ADAPTED = 8;

    /**
     * The model with LoRA adapters folded in (loaded once per combination of names and weights); the plain model when
     * {@code loras} is empty. An unknown adapter, one trained on other weights, or a broken file is a 400 naming "lora".
     */
    public DiffusionModel get(String name, List<LoraSpec> loras) {
        if (loras.isEmpty()) {
            return get(name);
        }
        requireUsable(name);
        String key = name + "+" + loras;
        ModelSlot slot = slots.get(key);
        if (slot == null) {
            if (slots.keySet().stream().filter(k -> k.contains("+")).count() >= MAX_ADAPTED) {
                throw new InvalidRequestException("lora", "this server already holds " + MAX_ADAPTED + " models with"
                        + " adapters; use one of those combinations, or merge the adapters into a model (fewstep merge)");
            }
            slot = slots.computeIfAbsent(key, k -> new ModelSlot(k, () -> LoraModels.load(root.resolve(name).toString(),
                    loras.stream().map(l -> new LoraSpec(root.resolve(l.name()).toString(), l.weight())).toList())));
        }
        try {
            return slot.get();
        } catch (IllegalArgumentException | dev.fewstep.io.CheckpointException e) {
            slots.remove(key, slot); // a refused combination holds no place among the adapted models
            throw new InvalidRequestException("lora", e.getMessage().replace(root.toString() + "/", ""));
        }
    }

    /**
     * What a model's file says about it, without loading its weights.
     *
     * @throws UnknownModelException when no such model exists
     * @throws InvalidRequestException naming "model" when its file cannot be read
     */
    public ModelInfo info(String name) {
        requireUsable(name);
        ModelSlot slot = slots.get(name);
        DiffusionModel loaded = slot == null ? null : slot.loadedOrNull();
        return loaded != null ? loaded.info() : readInfo(name).orElseThrow(() -> broken(name));
    }

    /** When the model's file was last written (the OpenAI model list's {@code created}), or empty if it is gone. */
    public Optional<Instant> modified(String name) {
        try {
            return Optional.of(Files.getLastModifiedTime(root.resolve(name).resolve(ModelStore.WEIGHTS)).toInstant());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private void requireUsable(String name) {
        List<String> names = folderNames();
        if (!names.contains(name)) {
            throw new UnknownModelException(names.isEmpty()
                    ? "unknown model '" + name + "': no models are installed on this server"
                    : "unknown model '" + name + "' (available: " + String.join(", ", names) + ")");
        }
        if (readInfo(name).isEmpty() && !isLoaded(name)) {
            throw broken(name);
        }
    }

    private InvalidRequestException broken(String name) {
        return new InvalidRequestException("model", "model '" + name + "' cannot be loaded (its file is broken; see the"
                + " server log); available: " + String.join(", ", list().stream().map(Entry::name).toList()));
    }

    @Override
    public void close() {
        closed = true;
        slots.values().forEach(ModelSlot::close);
        slots.clear();
    }

    private List<String> folderNames() {
        List<String> names = new ArrayList<>();
        try (Stream<Path> children = Files.list(root)) {
            children.filter(child -> Files.isRegularFile(child.resolve(ModelStore.WEIGHTS)))
                    .map(child -> child.getFileName().toString())
                    .sorted()
                    .forEach(names::add);
        } catch (IOException e) {
            // No models folder yet: the server still starts and serves no models.
        }
        return names;
    }

    private Optional<ModelInfo> readInfo(String name) {
        Path file = root.resolve(name).resolve(ModelStore.WEIGHTS);
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            CachedInfo cached = infos.get(name);
            if (cached != null && cached.modified().equals(modified) && cached.size() == size) {
                return Optional.ofNullable(cached.info());
            }
            Optional<String> problem = ModelCheck.problem(root.resolve(name));
            if (problem.isPresent()) {
                // Remembered like a good file, so a broken model is tried (and warned about) once per version.
                infos.put(name, new CachedInfo(modified, size, null));
                LOG.warn("skipping model {}: {}", name, problem.get());
                return Optional.empty();
            }
            ModelInfo info = ModelInfo.fromMetadata(SafeTensors.read(file).metadata(), file.toString());
            infos.put(name, new CachedInfo(modified, size, info));
            return Optional.of(info);
        } catch (IOException | RuntimeException e) {
            LOG.warn("skipping model {}: {}", name, e.getMessage());
            return Optional.empty();
        }
    }

    /** Loads one model at most once, even when many requests ask for it at the same moment. */
    private final class ModelSlot {
        private final String name;
        // Volatile so listing models never waits behind a load in progress.
        private volatile DiffusionModel model;
        private boolean slotClosed;

        private final java.util.function.Supplier<DiffusionModel> loader;

        ModelSlot(String name) {
            this(name, () -> DiffusionModel.load(root.resolve(name)));
        }

        ModelSlot(String name, java.util.function.Supplier<DiffusionModel> loader) {
            this.name = name;
            this.loader = loader;
        }

        synchronized DiffusionModel get() {
            if (slotClosed) {
                throw new IllegalStateException("the model registry is closed");
            }
            if (model == null) {
                // A failed load leaves the slot empty, so a later request tries again (e.g. after a file is fixed).
                model = loader.get();
                LOG.info("loaded model {} ({}, {})", name, model.info().kind(), model.info().dataset());
            }
            return model;
        }

        DiffusionModel loadedOrNull() {
            return model;
        }

        synchronized void close() {
            slotClosed = true;
            if (model != null) {
                model.close();
                model = null;
            }
        }
    }
}
