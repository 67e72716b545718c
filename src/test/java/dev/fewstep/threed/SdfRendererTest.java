package dev.fewstep.threed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SdfRendererTest {
    /**
     * A sphere of radius r seen from distance D subtends a cone of half-angle asin(r / D); on the image plane at focal
     * length f = (size / 2) / tan(fov / 2) pixels its silhouette is a disc of radius f tan(asin(r / D)).
     */
    private static double silhouetteArea(double r, int size) {
        double focal = size / 2.0 / Math.tan(Math.toRadians(Camera.FOV_DEGREES / 2));
        double radius = focal * Math.tan(Math.asin(r / Camera.DISTANCE));
        return Math.PI * radius * radius;
    }

    @Test
    void aSpheresSilhouetteCoversTheProjectedDiscsArea() {
        SdfRenderer renderer = new SdfRenderer(64, 4);
        for (Size size : Size.values()) {
            Scene sphere = Scene.of(new Part(Shape.SPHERE, Colour.RED, size));
            double r = 0.5 * size.scale();
            for (Camera camera : new Camera[] {new Camera(0, 0), new Camera(123, 35), new Camera(250, -10)}) {
                double area = renderer.render(sphere.field(), camera).coveredArea();
                assertThat(area).as("%s sphere from %s", size, camera).isCloseTo(silhouetteArea(r, 64), within(0.01 * silhouetteArea(r, 64)));
            }
        }
    }

    @Test
    void theLargestScenesStayInsideTheFrameFromEveryCamera() {
        SdfRenderer renderer = new SdfRenderer(32, 2);
        Random random = new Random(4);
        String[] largest = {"a large red sphere next to a large blue cone", "a large red cone on a large blue sphere",
            "a large red torus next to a large blue sphere", "a large red cylinder on a large blue pyramid"};
        for (String caption : largest) {
            Scene.Field field = Captions.parse(caption).field();
            for (int i = 0; i < 30; i++) {
                Picture picture = renderer.render(field, Camera.random(random));
                for (int k = 0; k < 32; k++) {
                    assertThat(picture.alpha()[k]).as(caption).isZero(); // top row
                    assertThat(picture.alpha()[31 * 32 + k]).as(caption).isZero(); // bottom row
                    assertThat(picture.alpha()[k * 32]).as(caption).isZero(); // left column
                    assertThat(picture.alpha()[k * 32 + 31]).as(caption).isZero(); // right column
                }
                assertThat(picture.coveredArea()).isGreaterThan(50);
            }
        }
    }

    @Test
    void aLitPixelIsItsAlbedoTimesLambertPlusAmbientAndTheBackgroundIsGrey() {
        Picture picture = new SdfRenderer(32, 1).render(Captions.parse("a large blue cube").field(), new Camera(30, 20));
        int plane = 32 * 32;
        assertThat(picture.rgb()[0]).isEqualTo(SdfRenderer.BACKGROUND); // a corner
        assertThat(picture.alpha()[0]).isZero();
        int centre = 16 * 32 + 16;
        assertThat(picture.alpha()[centre]).isEqualTo(1f);
        double[] blue = Colour.BLUE.albedo();
        double shade = picture.rgb()[2 * plane + centre] / blue[2];
        assertThat(shade).isBetween(SdfRenderer.AMBIENT, 1.0);
        assertThat((double) picture.rgb()[centre]).isCloseTo(blue[0] * shade, within(1e-5));
        assertThat((double) picture.rgb()[plane + centre]).isCloseTo(blue[1] * shade, within(1e-5));
    }

    @Test
    void theCameraLooksAtTheOriginFromItsAzimuthAndElevation() {
        Camera front = new Camera(0, 0);
        assertThat(front.eye().z()).isCloseTo(Camera.DISTANCE, within(1e-12));
        Camera side = new Camera(90, 0);
        assertThat(side.eye().x()).isCloseTo(Camera.DISTANCE, within(1e-12));
        Camera above = new Camera(0, 30);
        assertThat(above.eye().y()).isCloseTo(Camera.DISTANCE * 0.5, within(1e-12));
        assertThat(above.ray(0, 0).dot(above.eye().normalized())).isCloseTo(-1, within(1e-12));
        // the image's right is the world's +x seen from the front
        assertThat(front.ray(1, 0).x()).isPositive();
    }
}
