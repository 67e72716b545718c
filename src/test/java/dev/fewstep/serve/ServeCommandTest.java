package dev.fewstep.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fewstep.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
    void anotherHostWithoutATokenFileOrABadOriginExitsWithCodeTwo(@TempDir Path folder) throws Exception {
        Run open = run("serve", "--host", "0.0.0.0", "--port", "0");
        assertThat(open.exit()).isEqualTo(Main.BAD_INPUT);
        assertThat(open.output()).contains("--token-file");
        assertThat(runQuietly("serve", "--port", "0", "--token-file", folder.resolve("missing").toString())).isEqualTo(Main.BAD_INPUT);
        Path empty = Files.writeString(folder.resolve("empty"), "\n");
        assertThat(run("serve", "--port", "0", "--token-file", empty.toString()).output()).contains("is empty");
        assertThat(runQuietly("serve", "--port", "0", "--cors", "*")).isEqualTo(Main.BAD_INPUT);
    }

    @Test
    void aPortInUseExitsWithCodeTwo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThat(runQuietly("serve", "--port", Integer.toString(taken.getLocalPort()))).isEqualTo(Main.BAD_INPUT);
        }
    }

    @Test
    void anInvalidHostIsNamedAsTheProblemNotThePort() {
        String[][] cases = {
            {"999.1.1.1", "is not a valid IPv4 address"},
            {"1.2.3", "is not a valid IPv4 address"},
            {"no-such-host.invalid", "is neither an IP address nor a name this machine can resolve"},
            {"192.0.2.1", "is not an address of this machine"}, // TEST-NET-1: documentation only, never local
        };
        for (String[] c : cases) {
            Run run = run("serve", "--host", c[0], "--port", "0");
            assertThat(run.exit()).as(c[0]).isEqualTo(Main.BAD_INPUT);
            assertThat(run.output().strip()).as(c[0]).startsWith("fewstep: host " + c[0] + " " + c[1])
                    .doesNotContain("\n").doesNotContainIgnoringCase("port");
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
        return run(args).exit();
    }

    /** What a command line printed, standard output and error together, and its exit code. */
    record Run(int exit, String output) {}

    private static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (PrintStream sink = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(sink);
            System.setErr(sink);
            int exit = Main.run(args);
            return new Run(exit, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
