package dev.fewstep.threed;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The ground truth of a scene as files: its SDF meshed by marching cubes with vertex colours (GLB and OBJ) and a
 * turntable of sphere-traced views (GIF). The debugging view of a caption, and what a learned generator is compared to.
 */
public final class ShapeExport {
    /** Turntable frames are rendered this large. */
    public static final int TURNTABLE_SIZE = 128;

    private ShapeExport() {}

    /** The scene's surface at a resolution of n³ cells over [−1.4, 1.4]³, coloured by the nearest part. */
    public static Mesh mesh(Scene scene, int n) {
        if (n < 8 || n > 256) {
            throw new IllegalArgumentException("the mesh resolution must be between 8 and 256 cells per side, got " + n);
        }
        Scene.Field field = scene.field();
        return MarchingCubes.extract(VoxelGrid.sample(field::sdf, n, VoxelGrid.SCENE_EXTENT), 0)
                .coloured(p -> field.colourAt(p).albedo());
    }

    public static void turntable(Scene scene, Path gif) throws IOException {
        Scene.Field field = scene.field();
        SdfRenderer renderer = new SdfRenderer(TURNTABLE_SIZE, 2);
        Turntable.write(camera -> renderer.render(field, camera).image(), gif);
    }
}
