package dev.fewstep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fewstep.model.ModelStore;
import dev.fewstep.testing.TinyModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuantizeCommandTest {
    @TempDir
    Path dir;

    @Test
    void quantizeWritesAModelThatGenerateLoads() throws IOException {
        Path student = TinyModels.oneStep(dir, "student", 1);
        Path out = dir.resolve("student-int4");
        CliTest.Run run = CliTest.run("quantize", "--model", student.toString(), "--bits", "4", "--out", out.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("quantized to 4 bits");
        CliTest.Run generate = CliTest.run("generate", "--model", out.toString(), "--prompt", "stripes", "--n", "2",
                "--out", dir.resolve("x.png").toString());
        assertThat(generate.exit()).as(generate.err()).isZero();
    }

    @Test
    void anExistingOutputModelIsNeverOverwritten() throws IOException {
        Path student = TinyModels.oneStep(dir, "student", 1);
        Path existing = TinyModels.teacher(dir, "existing", 1);
        byte[] before = Files.readAllBytes(existing.resolve(ModelStore.WEIGHTS));
        CliTest.Run run = CliTest.run("quantize", "--model", student.toString(), "--bits", "8", "--out", existing.toString());
        assertThat(run.exit()).isEqualTo(Main.BAD_INPUT);
        assertThat(run.err()).contains("refusing to overwrite").contains(existing.toString()).hasLineCount(1);
        assertThat(Files.readAllBytes(existing.resolve(ModelStore.WEIGHTS))).isEqualTo(before);
    }

    @Test
    void bitsOtherThanEightOrFourAreOneLineAndExitTwo() throws IOException {
        Path student = TinyModels.oneStep(dir, "student", 1);
        Path out = dir.resolve("five");
        CliTest.Run run = CliTest.run("quantize", "--model", student.toString(), "--bits", "5", "--out", out.toString());
        assertThat(run.exit()).isEqualTo(Main.BAD_INPUT);
        assertThat(run.err()).isEqualToIgnoringNewLines("fewstep: --bits must be 8 or 4, not 5");
        assertThat(out).doesNotExist();
    }
}
