package org.diskpaxos.lock.example;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The example program, the API's runnable documentation, still does what it says: the busy lease is refused, the
 * pause makes it LOST through {@code lost()} and {@code checkValid()}, the other host takes over with a higher
 * token, and the store refuses the stale write.
 */
class EmbeddedExampleTest {

    @Test
    void theExampleRunsAndShowsLossFailoverAndFencing() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Path parent = Files.createDirectories(Path.of("target"));
        EmbeddedExample.runInFreshDirectory(parent, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        for (String expected : new String[] {"alpha holds demo/orders:ex:1", "busy, as it must be",
                "alpha's lost() completed", "alpha's lease is LOST", "checkValid() throws",
                "beta holds demo/orders:ex:2", "refused by the store", "ALREADY_LOST",
                "store: [order 1 by alpha (token 1), order 2 by beta (token 2)]"}) {
            assertTrue(out.contains(expected), () -> "missing '" + expected + "' in:\n" + out);
        }
    }
}
