package org.diskpaxos.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The simulator's sources use nothing nondeterministic: no real clocks (except {@link WallClock}, which only
 * reports speed), no threads, no {@code java.util.Random}, no hash-ordered collections whose iteration order could
 * leak into a run. Same seed and same code must give the same run.
 */
class DeterminismRulesTest {
    private static final Path SOURCES = Path.of("src/main/java/org/diskpaxos/sim");
    private static final List<Pattern> FORBIDDEN = List.of(
            Pattern.compile("System\\.nanoTime"), Pattern.compile("System\\.currentTimeMillis"),
            Pattern.compile("Instant\\.now"), Pattern.compile("\\bjava\\.util\\.Random\\b"),
            Pattern.compile("\\bnew Random\\("), Pattern.compile("ThreadLocalRandom"), Pattern.compile("\\bThread\\b"),
            Pattern.compile("Executor"), Pattern.compile("CompletableFuture"), Pattern.compile("\\bHashMap\\b"),
            Pattern.compile("\\bHashSet\\b"), Pattern.compile("identityHashCode"), Pattern.compile("parallelStream"),
            Pattern.compile("Math\\.random"));

    @Test
    void simulatorSourcesAvoidNondeterministicApis() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(SOURCES)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).toList();
        }
        assertTrue(files.size() > 40, "found only " + files.size() + " sources under " + SOURCES.toAbsolutePath());
        List<String> offences = new ArrayList<>();
        for (Path file : files) {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.trim().startsWith("*") || line.trim().startsWith("//")) {
                    continue;
                }
                for (Pattern p : FORBIDDEN) {
                    boolean allowed = file.endsWith("WallClock.java") && p.pattern().contains("nanoTime");
                    if (!allowed && p.matcher(line).find()) {
                        offences.add(SOURCES.relativize(file) + ":" + (i + 1) + " uses " + p.pattern());
                    }
                }
            }
        }
        assertEquals(List.of(), offences);
    }

    @Test
    void theRuleCatchesAViolation() {
        assertTrue(FORBIDDEN.stream().anyMatch(p -> p.matcher("long t = System.nanoTime();").find()));
        assertTrue(FORBIDDEN.stream().anyMatch(p -> p.matcher("Map<K, V> m = new HashMap<>();").find()));
    }
}
