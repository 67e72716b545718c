package dev.fewstep.threed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ShapeSdfTest {
    /** Membership by the shapes' own definitions, independent of the distance formulas. */
    private static boolean inside(Shape shape, Vec3 p) {
        double radial = Math.hypot(p.x(), p.z());
        return switch (shape) {
            case SPHERE -> p.length() < 0.5;
            case CUBE -> Math.max(Math.abs(p.x()), Math.max(Math.abs(p.y()), Math.abs(p.z()))) < 0.4;
            case CYLINDER -> radial < 0.4 && Math.abs(p.y()) < 0.45;
            case CONE -> Math.abs(p.y()) < 0.5 && radial < 0.5 * (0.5 - p.y());
            case TORUS -> Math.hypot(radial - 0.35, p.y()) < 0.13;
            case PYRAMID -> Math.abs(p.y()) < 0.4
                    && Math.max(Math.abs(p.x()), Math.abs(p.z())) < 0.45 * (0.4 - p.y()) / 0.8;
        };
    }

    private static double analyticVolume(Shape shape) {
        return switch (shape) {
            case SPHERE -> 4 / 3.0 * Math.PI * Math.pow(0.5, 3);
            case CUBE -> Math.pow(0.8, 3);
            case CYLINDER -> Math.PI * 0.4 * 0.4 * 0.9;
            case CONE -> Math.PI * 0.5 * 0.5 * 1.0 / 3;
            case TORUS -> 2 * Math.PI * Math.PI * 0.35 * 0.13 * 0.13;
            case PYRAMID -> 0.9 * 0.9 * 0.8 / 3;
        };
    }

    @Test
    void everySdfIsNegativeExactlyInsideItsShape() {
        Random random = new Random(1);
        for (Shape shape : Shape.values()) {
            for (int i = 0; i < 20_000; i++) {
                Vec3 p = new Vec3(random.nextDouble() * 1.4 - 0.7, random.nextDouble() * 1.4 - 0.7, random.nextDouble() * 1.4 - 0.7);
                double d = shape.sdf(p);
                if (Math.abs(d) > 1e-9) {
                    assertThat(d < 0).as("%s at %s (d = %s)", shape, p, d).isEqualTo(inside(shape, p));
                }
            }
        }
    }

    @Test
    void everySdfIsOneLipschitzSoSphereTracingNeverOvershoots() {
        Random random = new Random(2);
        for (Shape shape : Shape.values()) {
            for (int i = 0; i < 20_000; i++) {
                Vec3 a = new Vec3(random.nextGaussian() * 0.5, random.nextGaussian() * 0.5, random.nextGaussian() * 0.5);
                Vec3 b = a.plus(new Vec3(random.nextGaussian(), random.nextGaussian(), random.nextGaussian()).times(0.05));
                assertThat(Math.abs(shape.sdf(a) - shape.sdf(b))).as("%s", shape).isLessThanOrEqualTo(a.minus(b).length() + 1e-9);
            }
        }
    }

    @Test
    void sdfOutsideEqualsTheDistanceToTheSurfaceAlongTheAxis() {
        // straight above the top, the nearest surface point is the top (apex for cone and pyramid)
        assertThat(Shape.CUBE.sdf(new Vec3(0, 1, 0))).isCloseTo(0.6, within(1e-12));
        assertThat(Shape.CYLINDER.sdf(new Vec3(0, 1, 0))).isCloseTo(0.55, within(1e-12));
        assertThat(Shape.CONE.sdf(new Vec3(0, 1, 0))).isCloseTo(0.5, within(1e-12));
        assertThat(Shape.PYRAMID.sdf(new Vec3(0, 1, 0))).isCloseTo(0.6, within(1e-9));
        assertThat(Shape.TORUS.sdf(new Vec3(0, 0, 0))).isCloseTo(0.35 - 0.13, within(1e-12));
        assertThat(Shape.SPHERE.sdf(new Vec3(0, 0, 2))).isCloseTo(1.5, within(1e-12));
    }

    @Test
    void voxelVolumeOfEveryShapeMatchesItsFormula() {
        for (Shape shape : Shape.values()) {
            VoxelGrid grid = VoxelGrid.sample(shape::sdf, 96, 0.6);
            double volume = grid.occupiedCount() * Math.pow(grid.cellSide(), 3);
            assertThat(volume).as("%s", shape).isCloseTo(analyticVolume(shape), within(0.02 * analyticVolume(shape)));
        }
    }

    @Test
    void primitiveScalesAndMovesItsShape() {
        Primitive large = new Primitive(new Part(Shape.SPHERE, Colour.RED, Size.LARGE), new Vec3(1, 0, 0));
        assertThat(large.sdf(new Vec3(1, 0, 0))).isCloseTo(-0.6, within(1e-12));
        assertThat(large.sdf(new Vec3(3, 0, 0))).isCloseTo(1.4, within(1e-12));
    }
}
