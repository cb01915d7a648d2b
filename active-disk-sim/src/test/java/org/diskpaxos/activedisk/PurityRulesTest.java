package org.diskpaxos.activedisk;

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
 * The agent's core and formats do no I/O and read no clock, start no thread and draw no randomness; the simulated
 * agent, like the simulator, also avoids hash-ordered collections. So one seed replays a simulated run exactly,
 * and the same core runs under the NIO server, the simulator and the tests.
 */
class PurityRulesTest {
    private static final Path ROOT = Path.of("src/main/java/org/diskpaxos/activedisk");
    private static final List<Pattern> IMPURE = List.of(Pattern.compile("System\\.nanoTime"),
            Pattern.compile("System\\.currentTimeMillis"), Pattern.compile("Instant\\.now"),
            Pattern.compile("\\bjava\\.util\\.Random\\b"), Pattern.compile("\\bnew Random\\("),
            Pattern.compile("SecureRandom"), Pattern.compile("ThreadLocalRandom"), Pattern.compile("\\bThread\\b"),
            Pattern.compile("Executor"), Pattern.compile("CompletableFuture"), Pattern.compile("Math\\.random"),
            Pattern.compile("import java\\.io\\.File"), Pattern.compile("import java\\.nio\\.file"),
            Pattern.compile("import java\\.nio\\.channels"), Pattern.compile("import java\\.net"));
    private static final List<Pattern> HASH_ORDER = List.of(Pattern.compile("\\bHashMap\\b"),
            Pattern.compile("\\bHashSet\\b"), Pattern.compile("identityHashCode"), Pattern.compile("parallelStream"));

    private static List<String> offences(String pkg, List<Pattern> rules) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(ROOT.resolve(pkg))) {
            files = walk.filter(p -> p.toString().endsWith(".java")).toList();
        }
        assertTrue(files.size() >= 3, "found only " + files.size() + " sources in " + pkg);
        List<String> out = new ArrayList<>();
        for (Path f : files) {
            List<String> lines = Files.readAllLines(f);
            for (int i = 0; i < lines.size(); i++) {
                String t = lines.get(i).trim();
                if (t.startsWith("*") || t.startsWith("//") || t.startsWith("/*")) {
                    continue;
                }
                for (Pattern p : rules) {
                    if (p.matcher(lines.get(i)).find()) {
                        out.add(ROOT.relativize(f) + ":" + (i + 1) + " uses " + p.pattern());
                    }
                }
            }
        }
        return out;
    }

    @Test
    void theCoreAndTheFormatsArePure() throws IOException {
        List<Pattern> rules = new ArrayList<>(IMPURE);
        rules.addAll(HASH_ORDER);
        List<String> all = new ArrayList<>(offences("core", rules));
        all.addAll(offences("format", rules));
        all.addAll(offences("wire", IMPURE));
        assertEquals(List.of(), all);
    }

    @Test
    void theSimulatedAgentIsDeterministic() throws IOException {
        List<Pattern> rules = new ArrayList<>(IMPURE);
        rules.addAll(HASH_ORDER);
        assertEquals(List.of(), offences("sim", rules));
    }

    @Test
    void theRulesCatchAViolation() {
        assertTrue(IMPURE.stream().anyMatch(p -> p.matcher("long t = System.nanoTime();").find()));
        assertTrue(IMPURE.stream().anyMatch(p -> p.matcher("import java.nio.channels.FileChannel;").find()));
        assertTrue(HASH_ORDER.stream().anyMatch(p -> p.matcher("new HashMap<>()").find()));
    }
}
