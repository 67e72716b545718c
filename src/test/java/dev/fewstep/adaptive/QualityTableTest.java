package dev.fewstep.adaptive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QualityTableTest {
    @TempDir
    Path dir;

    private static QualityTable table(int samples, boolean heldOut, float offset) {
        int actions = 2;
        int dim = 3;
        List<QualityTable.Sample> list = new java.util.ArrayList<>();
        float[] p = new float[samples * actions];
        float[] c = new float[samples * actions];
        float[] r = new float[samples * actions];
        float[] f = new float[samples * actions * dim];
        for (int s = 0; s < samples; s++) {
            list.add(new QualityTable.Sample("a photo of a bag", 8, 1, s, heldOut));
            for (int a = 0; a < actions; a++) {
                p[s * actions + a] = offset + 0.1f * a;
                c[s * actions + a] = a;
                r[s * actions + a] = 0.5f;
            }
        }
        for (int i = 0; i < f.length; i++) {
            f[i] = offset + i;
        }
        return new QualityTable("t", List.of("fashion-sida", "heun:18"), new int[] {1, 35}, "digest", dim, list, p, c, r, f);
    }

    @Test
    void aSavedTableLoadsBackTheSame() throws Exception {
        QualityTable table = table(3, false, 0.25f).append(table(2, true, 0.5f));
        table.save(dir.resolve("t.safetensors"));
        QualityTable loaded = QualityTable.load(dir.resolve("t.safetensors"));
        assertThat(loaded.samples()).isEqualTo(table.samples());
        assertThat(loaded.probability()).containsExactly(table.probability());
        assertThat(loaded.imageFeatures()).containsExactly(table.imageFeatures());
        assertThat(loaded.indices(true)).containsExactly(3, 4);
        assertThat(loaded.quality(4, 1, 2.0)).isCloseTo(0.6 + 2 * 0.5, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void selectingActionsKeepsTheirColumns() {
        QualityTable table = table(3, false, 0.25f);
        QualityTable heunOnly = table.select(List.of("heun:18"));
        assertThat(heunOnly.nfe()).containsExactly(35);
        assertThat(heunOnly.probability(2, 0)).isEqualTo(table.probability(2, 1));
        assertThat(heunOnly.imageFeatures()).hasSize(3 * 3);
        assertThat(heunOnly.imageFeatures()[3]).isEqualTo(table.imageFeatures()[(1 * 2 + 1) * 3]);
    }

    @Test
    void tablesOfOtherActionsDoNotMix() {
        QualityTable other = new QualityTable("t", List.of("dpmpp2m:4"), new int[] {4}, "digest", 3, List.of(),
                new float[0], new float[0], new float[0], new float[0]);
        assertThatThrownBy(() -> table(1, false, 0).append(other)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void realismIsOneForARealImageAndTheDistanceRatioFarAway() {
        // reference: points 0..9 on a line; floor: the same points, whose 3rd nearest reference point is 1 away
        int count = 10;
        float[] reference = new float[count];
        for (int i = 0; i < count; i++) {
            reference[i] = i;
        }
        Realism realism = new Realism(reference, count, 1, new float[] {4, 5}, 2);
        assertThat(realism.realDistance()).isEqualTo(1.0);
        assertThat(realism.of(new float[] {6f}, 0)).isEqualTo(1.0);
        // 3rd nearest to 4.5 is 1.5 away
        assertThat(realism.of(new float[] {4.5f}, 0)).isCloseTo(1 / 1.5, org.assertj.core.data.Offset.offset(1e-9));
        // 3rd nearest to 20 is 7, 13 away: r = d_real / d = 1 / 13
        assertThat(realism.of(new float[] {20f}, 0)).isCloseTo(1.0 / 13, org.assertj.core.data.Offset.offset(1e-9));
    }
}
