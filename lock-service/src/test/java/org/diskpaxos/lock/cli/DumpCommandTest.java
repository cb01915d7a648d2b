package org.diskpaxos.lock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.diskpaxos.lock.inspect.TestDisks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code dplock dump} on the command line: words, JSON, and errors that name the bad argument. */
class DumpCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private TestDisks disks;

    @BeforeEach
    void setUp() throws Exception {
        disks = new TestDisks("clidump");
        disks.member("clidump", 4).createResource("res");
    }

    @AfterEach
    void tearDown() throws Exception {
        disks.close();
    }

    private int run(String... argv) {
        return Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void wordsNameTheLockspaceHostsAndResources() {
        assertEquals(0, run("dump", disks.files.get(0).toString()));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("lockspace 'clidump'"), text);
        assertTrue(text.contains("host 4  generation 1"), text);
        assertTrue(text.contains("resource clidump/res at offset 3145728: fence (lver) 0, free, never held"), text);
    }

    @Test
    void jsonIsOneObjectPerDisk() {
        assertEquals(0, run("dump", disks.files.get(0).toString(), disks.files.get(1) + ":3M", "--json"));
        String[] lines = out.toString(StandardCharsets.UTF_8).trim().split("\n");
        assertEquals(2, lines.length);
        assertTrue(lines[0].startsWith("{\"device\":") && lines[0].contains("\"kind\":\"lockspace\""), lines[0]);
        assertTrue(lines[1].contains("\"kind\":\"resource\"") && lines[1].contains("\"resource\":\"res\""), lines[1]);
    }

    @Test
    void errorsNameTheBadArgument() {
        assertEquals(Main.EXIT_USAGE, run("dump", "no-such.img"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no-such.img does not exist"), err::toString);
        err.reset();
        assertEquals(Main.EXIT_USAGE, run("dump", disks.files.get(0) + ":12Q"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("'12Q' is not a size"), err::toString);
        err.reset();
        assertEquals(1, run("dump", disks.files.get(0) + ":1000"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("offset 1000"), err::toString);
        err.reset();
        assertEquals(Main.EXIT_USAGE, run("dump", disks.files.get(0).toString(), "--watch", "soon"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--watch"), err::toString);
    }
}
