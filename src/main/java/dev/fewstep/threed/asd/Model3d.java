package dev.fewstep.threed.asd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.fewstep.model.Weights;
import dev.fewstep.text.TextEncoder;
import dev.fewstep.threed.Camera;
import dev.fewstep.threed.Captions;
import dev.fewstep.threed.MarchingCubes;
import dev.fewstep.threed.Mesh;
import dev.fewstep.threed.Picture;
import dev.fewstep.threed.Turntable;
import dev.fewstep.threed.VoxelGrid;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A distilled 3D generator read from its folder: a prompt in, in one forward pass its triplanes, and from them the
 * density grid, a coloured mesh (marching cubes on the occupancy σ > τ, {@link FieldRenderer#occupancyThreshold}) and
 * volume-rendered views. Every call runs with autograd off in the calling thread and frees its memory on return.
 */
public final class Model3d implements AutoCloseable {
    /** Density grids for IoU and meshes are sampled at this many cells per side. */
    public static final int GRID = 32;

    private final String name;
    private final Map<String, String> metadata;
    private final NDManager manager = NDManager.newBaseManager();
    private final TriplaneGenerator generator;
    private final FieldRenderer renderer;

    private Model3d(String name, Generator3dFile.Contents contents) {
        this.name = name;
        this.metadata = contents.metadata();
        generator = TriplaneGenerator.create(contents.config(), manager);
        Weights.load(generator, contents.tensors(), name);
        generator.freezeParameters(true);
        renderer = new FieldRenderer(generator);
    }

    /** @param nameOrPath a model name or folder; a 2D model or a missing one is refused with what it is */
    public static Model3d load(String nameOrPath) {
        return load(Generator3dFile.resolve(nameOrPath));
    }

    /** A folder known to hold {@value Generator3dFile#FILE}. */
    public static Model3d load(Path dir) {
        return new Model3d(dir.getFileName().toString(), Generator3dFile.read(dir));
    }

    /** For tests and the baseline: a generator in memory. */
    static Model3d of(String name, TriplaneGenerator trained) {
        return new Model3d(name, new Generator3dFile.Contents(trained.config(), Weights.of(trained), Map.of()));
    }

    public String name() {
        return name;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /** The captions the generator was distilled on (empty when its file does not list them). */
    public List<String> trainingPrompts() {
        String json = metadata.get("prompts");
        if (json == null) {
            return List.of();
        }
        try {
            return List.of(new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, String[].class));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new dev.fewstep.io.CheckpointException(name + " lists its prompts in corrupt JSON: " + e.getMessage(), e);
        }
    }

    /** A caption of the shapes world, normalised; anything else is refused naming the word that did not fit. */
    public static String checkPrompt(String prompt) {
        String normalised = TextEncoder.validate(prompt);
        Captions.parse(normalised);
        return normalised;
    }

    /** The occupancy of a prompt's object on the n³ cells of {@link VoxelGrid}: τ − σ, occupied where negative. */
    public VoxelGrid occupancy(String prompt, int n) {
        float[] density = withPlanes(prompt, planes -> renderer.density(planes, n));
        return VoxelGrid.fromDensity(density, n, VoxelGrid.SCENE_EXTENT, FieldRenderer.occupancyThreshold(generator.config()));
    }

    /** The object's surface (marching cubes at σ = τ on n³ cells) with the field's colour at each vertex. */
    public Mesh mesh(String prompt, int n) {
        return withPlanes(prompt, planes -> {
            float[] density = renderer.density(planes, n);
            VoxelGrid grid = VoxelGrid.fromDensity(density, n, VoxelGrid.SCENE_EXTENT,
                    FieldRenderer.occupancyThreshold(generator.config()));
            Mesh surface = MarchingCubes.extract(grid, 0);
            if (surface.vertexCount() == 0) {
                return surface;
            }
            float[] colours = renderer.colour(planes, surface.positions());
            return new Mesh(surface.positions(), surface.normals(), colours, surface.indices());
        });
    }

    /** Views of the object from several cameras at size × size, volume-rendered. */
    public List<Picture> render(String prompt, List<Camera> cameras, int size) {
        return withPlanes(prompt, planes -> {
            NDArray repeated = planes.repeat(0, cameras.size());
            FieldRenderer.Rendered views = renderer.render(repeated, cameras, size);
            float[] rgb = views.images().add(1f).div(2f).clip(0f, 1f).toFloatArray();
            float[] alpha = views.opacity().toFloatArray();
            int plane = size * size;
            List<Picture> pictures = new java.util.ArrayList<>();
            for (int i = 0; i < cameras.size(); i++) {
                pictures.add(new Picture(size, java.util.Arrays.copyOfRange(rgb, 3 * plane * i, 3 * plane * (i + 1)),
                        java.util.Arrays.copyOfRange(alpha, plane * i, plane * (i + 1))));
            }
            return pictures;
        });
    }

    /** The 24-frame looping turntable GIF of {@link Turntable}, frames volume-rendered at size × size. */
    public byte[] turntable(String prompt, int size) throws IOException {
        List<Camera> cameras = new java.util.ArrayList<>();
        for (int f = 0; f < Turntable.FRAMES; f++) {
            cameras.add(Turntable.camera(f));
        }
        List<Picture> frames = new java.util.ArrayList<>();
        for (int start = 0; start < cameras.size(); start += 6) { // six frames at a time bound the memory at 128²
            frames.addAll(render(prompt, cameras.subList(start, start + 6), size));
        }
        return Turntable.gif(camera -> frames.get((int) Math.round(camera.azimuthDegrees() / 360 * Turntable.FRAMES)
                % Turntable.FRAMES).image());
    }

    private <T> T withPlanes(String prompt, Function<NDArray, T> use) {
        float[] embedding = TextEncoder.get().embed(checkPrompt(prompt));
        boolean recording = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager scope = manager.newSubManager()) {
            NDArray planes = generator.planes(scope.create(embedding, new Shape(1, TextEncoder.DIM)));
            return use.apply(planes);
        } finally {
            JniUtils.setGradMode(recording);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
