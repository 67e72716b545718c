package dev.fewstep.serve;

import static dev.fewstep.serve.TestServers.STARTS;
import static dev.fewstep.serve.TestServers.STOPS;
import static dev.fewstep.serve.TestServers.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fewstep.generate.GenerateRequest;
import dev.fewstep.generate.Generation;
import dev.fewstep.model.DiffusionModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GenerationQueueTest {
    static final GenerateRequest ENDLESS = new GenerateRequest("stripes", "heun", 1000, 1.0, 1, 1);
    static final GenerateRequest QUICK = new GenerateRequest("stripes", "euler", 2, 1.0, 1, 1);

    private DiffusionModel teacher;

    @BeforeAll
    void load(@TempDir Path dir) throws Exception {
        teacher = DiffusionModel.load(TestServers.tinyModels(dir).resolve(TestServers.TEACHER));
    }

    @AfterAll
    void close() {
        teacher.close();
    }

    @Test
    void withNoWaitingSlotsOnlyAnIdleWorkerAdmits() throws Exception {
        try (GenerationQueue queue = new GenerationQueue(1, 0, Duration.ofSeconds(30))) {
            GenerationJob running = queue.submit(teacher, ENDLESS);
            assertThat(eventually(STARTS, running::hasStarted)).isTrue();
            assertThatThrownBy(() -> queue.submit(teacher, QUICK)).isInstanceOf(QueueFullException.class);
            assertThat(running.plannedNfe()).isEqualTo(1999);
            running.cancel();
            assertThat(eventually(STOPS, () -> queue.status().running() == 0)).isTrue();
            assertThat(running.nfeDone()).isLessThan(1999);
            assertThatThrownBy(running.result()::join).isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(JobStoppedException.class);
            Generation.Result result = queue.submit(teacher, QUICK).result().get(20, TimeUnit.SECONDS);
            assertThat(result.nfe()).isEqualTo(2);
            assertThat(queue.status().completed()).isEqualTo(1);
            assertThat(queue.status().rejected()).isEqualTo(1);
            assertThat(eventually(STOPS, () -> queue.status().cancelled() == 1)).isTrue();
        }
    }

    @Test
    void closingStopsRunningAndWaitingJobs() throws InterruptedException {
        GenerationQueue queue = new GenerationQueue(1, 2, Duration.ofSeconds(30));
        GenerationJob running = queue.submit(teacher, ENDLESS);
        GenerationJob waiting = queue.submit(teacher, ENDLESS);
        queue.close();
        assertThat(eventually(STOPS, queue::isTerminated)).isTrue();
        for (GenerationJob job : new GenerationJob[] {running, waiting}) {
            assertThatThrownBy(job.result()::join).cause().isInstanceOfSatisfying(JobStoppedException.class,
                    e -> assertThat(e.reason()).isEqualTo(JobStoppedException.Reason.SHUTDOWN));
        }
        assertThatThrownBy(() -> queue.submit(teacher, QUICK)).isInstanceOf(JobStoppedException.class);
    }
}
