package dev.fewstep.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fewstep.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code fewstep serve} refuses bad settings with exit code 2 and a message, before serving anything. */
@Timeout(60)
class ServeCommandTest {

    @Test
    void badSettingsExitWithCodeTwo() {
        assertThat(runQuietly("serve", "--workers", "0")).isEqualTo(Main.BAD_INPUT);
        assertThat(runQuietly("serve", "--max-queue", "-1")).isEqualTo(Main.BAD_INPUT);
        assertThat(runQuietly("serve", "--port", "70000")).isEqualTo(Main.BAD_INPUT);
        assertThat(runQuietly("serve", "--timeout", "0")).isEqualTo(Main.BAD_INPUT);
        assertThat(runQuietly("serve", "--port", "not-a-number")).isEqualTo(Main.BAD_INPUT);
    }

    @Test
    void aPortInUseExitsWithCodeTwo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThat(runQuietly("serve", "--port", Integer.toString(taken.getLocalPort()))).isEqualTo(Main.BAD_INPUT);
        }
    }

    @Test
    void settingsDefaultToLoopbackWithTwoWorkersAndEightWaitingSlots(@TempDir Path models) {
        ServerSettings defaults = ServerSettings.defaults(models);
        assertThat(defaults.host()).isEqualTo("127.0.0.1");
        assertThat(defaults.port()).isEqualTo(8080);
        assertThat(defaults.workers()).isEqualTo(2);
        assertThat(defaults.maxQueue()).isEqualTo(8);
        assertThat(defaults.isLoopback()).isTrue();
        assertThat(defaults.withHost("0.0.0.0").isLoopback()).isFalse();
        assertThat(defaults.withHost("::1").isLoopback()).isTrue();
        assertThatThrownBy(() -> defaults.withRequestTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> defaults.withWorkers(0)).hasMessageContaining("workers");
    }

    @Test
    void aServerOnAnotherHostListensThere(@TempDir Path models) throws Exception {
        // The operator asked for a host: the server binds it (here the wildcard, reached through loopback).
        try (Server server = TestServers.started(TestServers.settings(models).withHost("0.0.0.0"))) {
            assertThat(server.settings().isLoopback()).isFalse();
            assertThat(TestServers.get(TestServers.client(), server, "/health").statusCode()).isEqualTo(200);
        }
    }

    private static int runQuietly(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (PrintStream sink = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(sink);
            System.setErr(sink);
            return Main.run(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
