package dev.fewstep.threed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MarchingCubesTest {
    private static final double R = 0.8;

    private static Mesh sphere(int n) {
        return MarchingCubes.extract(VoxelGrid.sample(p -> p.length() - R, n, 1.0), 0);
    }

    @Test
    void aSpheresMeshHasAreaFourPiRSquaredAndVolumeFourThirdsPiRCubed() {
        Mesh mesh = sphere(64);
        assertThat(mesh.area()).isCloseTo(4 * Math.PI * R * R, within(0.005 * 4 * Math.PI * R * R));
        // positive: every triangle faces outwards
        assertThat(mesh.volume()).isCloseTo(4 / 3.0 * Math.PI * R * R * R, within(0.005 * 4 / 3.0 * Math.PI * R * R * R));
    }

    @Test
    void verticesLieOnTheSurfaceAndNormalsPointOutwards() {
        Mesh mesh = sphere(32);
        for (int i = 0; i < mesh.vertexCount(); i++) {
            Vec3 p = mesh.vertex(i);
            assertThat(p.length()).isCloseTo(R, within(0.01));
            Vec3 n = new Vec3(mesh.normals()[3 * i], mesh.normals()[3 * i + 1], mesh.normals()[3 * i + 2]);
            assertThat(n.length()).isCloseTo(1, within(1e-5));
            assertThat(n.dot(p.normalized())).isGreaterThan(0.99);
        }
    }

    /** Each directed edge a→b appears once and its reverse once: closed, and consistently oriented. */
    private static void assertWatertight(Mesh mesh, String what) {
        Map<Long, Integer> directed = new HashMap<>();
        int[] f = mesh.indices();
        for (int t = 0; t < f.length; t += 3) {
            for (int k = 0; k < 3; k++) {
                long key = (long) f[t + k] << 32 | f[t + (k + 1) % 3];
                directed.merge(key, 1, Integer::sum);
            }
        }
        for (Map.Entry<Long, Integer> e : directed.entrySet()) {
            long reverse = (e.getKey() & 0xffffffffL) << 32 | e.getKey() >>> 32;
            assertThat(e.getValue()).as(what).isEqualTo(1);
            assertThat(directed.get(reverse)).as(what + ": the edge's twin").isEqualTo(1);
        }
    }

    @Test
    void everySceneMeshIsClosedAndConsistentlyOriented() {
        for (String caption : new String[] {"a red cone on a blue cube", "a green sphere next to a yellow torus",
            "a small purple pyramid on a large orange cylinder", "a torus on a torus"}) {
            String c = caption.equals("a torus on a torus") ? "a red torus on a blue torus" : caption;
            Mesh mesh = ShapeExport.mesh(Captions.parse(c), 48);
            assertThat(mesh.triangleCount()).isPositive();
            assertWatertight(mesh, c);
            assertThat(mesh.volume()).as(c).isPositive();
        }
    }

    @Test
    void everyCornerPatternOfTheTableGivesAClosedSurfaceInARandomField() {
        // a noisy field visits the ambiguous face patterns; the surface must still close up
        java.util.Random random = new java.util.Random(7);
        float[] values = new float[12 * 12 * 12];
        for (int i = 0; i < values.length; i++) {
            int x = i % 12;
            int y = i / 12 % 12;
            int z = i / 144;
            boolean border = x == 0 || y == 0 || z == 0 || x == 11 || y == 11 || z == 11;
            values[i] = border ? 1 : (float) random.nextGaussian();
        }
        Mesh mesh = MarchingCubes.extract(new VoxelGrid(12, 1, values), 0);
        assertThat(mesh.triangleCount()).isGreaterThan(500);
        assertWatertight(mesh, "noise");
        java.util.Set<Integer> patterns = new java.util.HashSet<>();
        for (int mask = 0; mask < 256; mask++) {
            if (CubeTable.TRIANGLES[mask].length > 0) {
                patterns.add(mask);
            }
        }
        assertThat(patterns).hasSize(254); // all but all-in and all-out
    }

    @Test
    void theSceneMeshIsColouredByItsParts() {
        Mesh mesh = ShapeExport.mesh(Captions.parse("a red cone on a blue cube"), 32);
        int red = 0;
        int blue = 0;
        for (int i = 0; i < mesh.vertexCount(); i++) {
            float[] c = {mesh.colours()[3 * i], mesh.colours()[3 * i + 1], mesh.colours()[3 * i + 2]};
            boolean above = mesh.vertex(i).y() > 0.05;
            if (above) {
                assertThat(c[0]).isGreaterThan(c[2]);
                red++;
            } else if (mesh.vertex(i).y() < -0.05) {
                assertThat(c[2]).isGreaterThan(c[0]);
                blue++;
            }
        }
        assertThat(red).isPositive();
        assertThat(blue).isPositive();
    }
}
