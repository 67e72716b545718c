package dev.fewstep.threed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SceneTest {
    @Test
    void captionToSceneToCaptionIsTheIdentityForEveryCombinationAndSize() {
        int checked = 0;
        for (Relation relation : Relation.values()) {
            for (Scene medium : HeldOut.combinations(relation)) {
                for (Size first : Size.values()) {
                    for (Size second : Size.values()) {
                        if (relation == Relation.ALONE && second != Size.MEDIUM) {
                            continue;
                        }
                        List<Part> parts = new ArrayList<>();
                        for (int i = 0; i < medium.parts().size(); i++) {
                            Part p = medium.parts().get(i);
                            parts.add(new Part(p.shape(), p.colour(), i == 0 ? first : second));
                        }
                        Scene scene = new Scene(relation, parts);
                        assertThat(Captions.parse(scene.caption())).isEqualTo(scene);
                        checked++;
                    }
                }
            }
        }
        assertThat(checked).isEqualTo(36 * 3 + 2 * (36 * 3) * (36 * 3));
    }

    @Test
    void captionsReadLikeEnglish() {
        Scene scene = Scene.of(new Part(Shape.CONE, Colour.RED, Size.MEDIUM), Relation.ON,
                new Part(Shape.CUBE, Colour.ORANGE, Size.SMALL));
        assertThat(scene.caption()).isEqualTo("a red cone on a small orange cube");
        assertThat(Scene.of(new Part(Shape.TORUS, Colour.ORANGE, Size.MEDIUM)).caption()).isEqualTo("an orange torus");
        assertThat(Captions.parse("  A Green SPHERE   next to a large yellow torus ")).isEqualTo(Scene.of(
                new Part(Shape.SPHERE, Colour.GREEN, Size.MEDIUM), Relation.NEXT_TO, new Part(Shape.TORUS, Colour.YELLOW, Size.LARGE)));
    }

    @Test
    void aCaptionOutsideTheGrammarIsRefusedNamingTheWordThatDidNotFit() {
        assertThatThrownBy(() -> Captions.parse("a pink cone")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected a colour").hasMessageContaining("'pink'");
        assertThatThrownBy(() -> Captions.parse("a red cone under a blue cube")).hasMessageContaining("'under'");
        assertThatThrownBy(() -> Captions.parse("a red cone on")).hasMessageContaining("the end");
        assertThatThrownBy(() -> Captions.parse("")).hasMessageContaining("'a' or 'an'");
        assertThatThrownBy(() -> Captions.parse("a red cone on a blue cube please")).hasMessageContaining("'please'");
    }

    @Test
    void onStacksTheFirstPartExactlyOnTopOfTheSecond() {
        Scene scene = Captions.parse("a large red cone on a small blue cube");
        List<Primitive> p = scene.primitives();
        double top = p.get(0).centre().y() - scene.parts().get(0).halfHeight();
        double bottom = p.get(1).centre().y() + scene.parts().get(1).halfHeight();
        assertThat(top).isCloseTo(bottom, within(1e-12));
        assertThat(p.get(1).sdf(new Vec3(0, bottom, 0))).isCloseTo(0, within(1e-12)); // the cube's top face
        // the bounding box is centred: the stack's top and bottom are symmetric about y = 0
        assertThat(p.get(0).centre().y() + scene.parts().get(0).halfHeight())
                .isCloseTo(-(p.get(1).centre().y() - scene.parts().get(1).halfHeight()), within(1e-12));
    }

    @Test
    void nextToPutsTheFirstPartLeftOnTheSameGroundWithAGap() {
        Scene scene = Captions.parse("a green sphere next to a yellow torus");
        List<Primitive> p = scene.primitives();
        assertThat(p.get(0).centre().x()).isLessThan(p.get(1).centre().x());
        double gap = (p.get(1).centre().x() - scene.parts().get(1).halfWidth()) - (p.get(0).centre().x() + scene.parts().get(0).halfWidth());
        assertThat(gap).isCloseTo(Scene.GAP, within(1e-12));
        assertThat(p.get(0).centre().y() - scene.parts().get(0).halfHeight())
                .isCloseTo(p.get(1).centre().y() - scene.parts().get(1).halfHeight(), within(1e-12));
        Scene.Field field = scene.field();
        assertThat(field.colourAt(p.get(0).centre())).isEqualTo(Colour.GREEN);
        assertThat(field.colourAt(p.get(1).centre().plus(new Vec3(0.35, 0, 0)))).isEqualTo(Colour.YELLOW);
    }

    @Test
    void heldOutIsAFixedFifthOfEachRelationsCombinations() {
        for (Relation relation : Relation.values()) {
            List<Scene> all = HeldOut.combinations(relation);
            long held = all.stream().filter(HeldOut::contains).count();
            assertThat(held).as("%s", relation).isEqualTo(Math.round(all.size() / 5.0));
        }
        assertThat(HeldOut.keys()).hasSize(7 + 259 + 259);
        // pinned: a change of seed, enum order or shuffle would change the evaluation set
        assertThat(HeldOut.keys().stream().filter(k -> !k.contains(" on ") && !k.contains(" next to ")).toList())
                .containsExactlyElementsOf(PINNED_SINGLES);
    }

    static final List<String> PINNED_SINGLES = List.of("a blue cone", "a purple sphere", "a yellow pyramid",
            "a yellow sphere", "an orange cone", "an orange cylinder", "an orange pyramid");

    @Test
    void sizeDoesNotChangeTheCombination() {
        Scene a = Captions.parse("a small red cone on a large blue cube");
        Scene b = Captions.parse("a red cone on a blue cube");
        assertThat(HeldOut.key(a)).isEqualTo(HeldOut.key(b));
        assertThat(HeldOut.contains(a)).isEqualTo(HeldOut.contains(b));
    }

    @Test
    void theTrainingSamplerNeverDrawsAHeldOutCombinationAndTheHeldOutOneOnlyThose() {
        Random random = new Random(3);
        SceneSampler train = new SceneSampler(SceneSampler.Split.TRAIN);
        SceneSampler heldOut = new SceneSampler(SceneSampler.Split.HELD_OUT);
        Set<Relation> relations = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            Scene scene = train.sample(random);
            relations.add(scene.relation());
            assertThat(HeldOut.contains(scene)).isFalse();
            assertThat(HeldOut.contains(heldOut.sample(random))).isTrue();
        }
        assertThat(relations).containsExactlyInAnyOrder(Relation.values());
    }

    @Test
    void aSceneNeedsAsManyPartsAsItsRelationSays() {
        Part cone = new Part(Shape.CONE, Colour.RED, Size.MEDIUM);
        assertThatThrownBy(() -> new Scene(Relation.ON, List.of(cone))).hasMessageContaining("two parts");
        assertThatThrownBy(() -> new Scene(Relation.ALONE, List.of(cone, cone))).hasMessageContaining("one part");
    }
}
