package org.diskpaxos.activedisk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Keys and scratch directories for tests (under target/, not /tmp). */
public final class TestKeys {
    private TestKeys() {
    }

    public static Path scratch(String prefix) throws IOException {
        Path target = Path.of("target", "scratch");
        Files.createDirectories(target);
        return Files.createTempDirectory(target.toAbsolutePath(), prefix);
    }

    /** A fresh random key file (mode 600) in {@code dir}. */
    public static AgentKey keyFile(Path dir, String name) throws IOException {
        return AgentKey.generate(dir.resolve(name));
    }
}
