package org.diskpaxos.lock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The CLI entry point routes commands, prints help, and turns bad input into exit code 64 with a named cause. */
class MainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... argv) {
        return Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void helpListsEveryCommand() {
        assertEquals(0, run("--help"));
        String text = out.toString(StandardCharsets.UTF_8);
        for (Command c : Main.commands()) {
            assertTrue(text.contains(c.name()), () -> "help does not list " + c.name() + ":\n" + text);
        }
    }

    @Test
    void everyCommandHasHelp() {
        for (Command c : Main.commands()) {
            out.reset();
            assertEquals(0, run(c.name(), "--help"), c.name());
            assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("usage: dplock " + c.name()), c.name());
        }
    }

    @Test
    void noArgumentsIsAUsageError() {
        assertEquals(Main.EXIT_USAGE, run());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage: dplock"));
    }

    @Test
    void unknownCommandIsNamed() {
        assertEquals(Main.EXIT_USAGE, run("frobnicate"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("'frobnicate'"));
    }

    @Test
    void unknownOptionIsNamed() {
        assertEquals(Main.EXIT_USAGE, run("version", "--colour"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--colour"), err::toString);
    }

    @Test
    void versionPrintsJson() {
        assertEquals(0, run("version", "--json"));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("{\"version\":"));
    }

    @Test
    void argsParseValuesFlagsAndTrailingCommand() throws UsageException {
        Args a = Args.parse("x", new String[] {"--n", "3", "--t=2s", "--shared", "pos", "--", "cmd", "--n"},
                Set.of("n", "t"), Set.of("shared"));
        assertEquals(3, a.intValue("n", 0, 1, 5));
        assertEquals(Duration.ofSeconds(2), a.duration("t", null));
        assertTrue(a.flag("shared"));
        assertEquals(java.util.List.of("pos"), a.positional());
        assertEquals(java.util.List.of("cmd", "--n"), a.afterDoubleDash());
        UsageException e = assertThrows(UsageException.class, () -> a.intValue("n", 0, 4, 5));
        assertTrue(e.getMessage().contains("--n"));
        assertThrows(UsageException.class, () -> Args.parse("x", new String[] {"--n"}, Set.of("n"), Set.of()));
    }

    @Test
    void durationsHaveUnits() {
        assertEquals(Duration.ofMillis(500), Args.parseDuration("500ms"));
        assertEquals(Duration.ofMillis(1500), Args.parseDuration("1.5"));
        assertEquals(Duration.ofMinutes(2), Args.parseDuration("2m"));
        assertEquals(Duration.ofNanos(250_000), Args.parseDuration("250us"));
        assertThrows(IllegalArgumentException.class, () -> Args.parseDuration("-1s"));
        assertThrows(IllegalArgumentException.class, () -> Args.parseDuration("soon"));
    }

    @Test
    void everyReadCommandTakesJson() {
        for (String read : java.util.List.of("status", "dump", "acquire", "version", "bench", "bench-io", "bench-paxos",
                "agent-bench")) {
            Command c = Main.commands().stream().filter(x -> x.name().equals(read)).findFirst().orElseThrow();
            assertTrue(c.printsJson(), read + " has no --json");
        }
    }

    @Test
    void jsonIsRefusedByCommandsThatDoNotReport() {
        for (Command c : Main.commands()) {
            if (c.printsJson()) {
                continue;
            }
            err.reset();
            assertEquals(Main.EXIT_USAGE, run(c.name(), "--json"), c.name());
            assertTrue(err.toString(StandardCharsets.UTF_8).contains(c.name() + ": --json is not supported"),
                    err::toString);
        }
    }

    @Test
    void everyCommandNamesAnUnknownOption() {
        for (Command c : Main.commands()) {
            err.reset();
            assertEquals(Main.EXIT_USAGE, run(c.name(), "--no-such-option"), c.name());
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("--no-such-option"), c.name() + ": " + err);
        }
    }
}
