package dev.fewstep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.fewstep.nn.NativeMemory;
import dev.fewstep.threed.asd.Generator3dFile;
import dev.fewstep.threed.asd.GeneratorConfig;
import dev.fewstep.threed.asd.TriplaneGenerator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Generate3dCommandTest {
    @TempDir
    Path dir;

    /** A generator whose field is its density blob alone (every weight zero): a grey ball for any prompt. */
    private Path blobGenerator() throws Exception {
        Path model = Files.createDirectories(dir.resolve("blob-3d"));
        try (NDManager manager = NDManager.newBaseManager()) {
            TriplaneGenerator generator = TriplaneGenerator.create(new GeneratorConfig(384, 16, 4, 8, 8, 32, 10, 0.5),
                    manager);
            for (Pair<String, Parameter> p : generator.getParameters()) {
                NativeMemory.zero(p.getValue().getArray());
            }
            Generator3dFile.write(model.resolve(Generator3dFile.FILE), generator, "asd3d", Map.of());
        }
        return model;
    }

    @Test
    void aPromptBecomesAGlbAndObjAndTheUsersFilesAreLeftAlone() throws Exception {
        Path model = blobGenerator();
        Path glb = dir.resolve("ball.glb");
        CliTest.Run run = CliTest.run("generate3d", "--model", model.toString(), "--prompt", "a red cone", "--out",
                glb.toString(), "--obj", dir.resolve("ball.obj").toString(), "--resolution", "16");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("a red cone (training combination)").contains("triangles");
        byte[] bytes = Files.readAllBytes(glb);
        assertThat(new String(bytes, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("glTF");
        assertThat(Files.readString(dir.resolve("ball.obj"))).startsWith("# fewstep mesh");

        CliTest.Run again = CliTest.run("generate3d", "--model", model.toString(), "--prompt", "a red cone", "--out",
                glb.toString(), "--resolution", "16");
        assertThat(again.exit()).isEqualTo(Main.BAD_INPUT);
        assertThat(again.err()).contains("already exists").contains("--force");
        assertThat(Files.readAllBytes(glb)).isEqualTo(bytes);
    }

    @Test
    void aPromptOutsideTheGrammarOrABadResolutionIsBadInputBeforeAnyWork() throws Exception {
        Path model = blobGenerator();
        CliTest.Run banana = CliTest.run("generate3d", "--model", model.toString(), "--prompt", "a red banana", "--out",
                dir.resolve("x.glb").toString());
        assertThat(banana.exit()).isEqualTo(Main.BAD_INPUT);
        assertThat(banana.err()).doesNotContain("Exception");
        CliTest.Run coarse = CliTest.run("generate3d", "--model", model.toString(), "--prompt", "a red cone", "--out",
                dir.resolve("x.glb").toString(), "--resolution", "4");
        assertThat(coarse.exit()).isEqualTo(Main.BAD_INPUT);
        assertThat(coarse.err()).contains("--resolution must be between 8 and 256");
        assertThat(dir.resolve("x.glb")).doesNotExist();
    }

    @Test
    void theModelsListNamesA3dGeneratorWithItsTeacherAndNotItsPromptList() throws Exception {
        blobGenerator();
        String before = System.getProperty("fewstep.models");
        System.setProperty("fewstep.models", dir.toString());
        try {
            CliTest.Run models = CliTest.run("models");
            assertThat(models.exit()).as(models.err()).isZero();
            assertThat(models.out()).contains("blob-3d").contains("kind: 3D generator (asd3d)")
                    .contains("\"resolution\":8");
        } finally {
            if (before == null) {
                System.clearProperty("fewstep.models");
            } else {
                System.setProperty("fewstep.models", before);
            }
        }
    }
}
