package org.diskpaxos.blockdev;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

/** Puts test directories under target/ (on the project's disk) rather than /tmp, which may be a tmpfs. */
public final class TargetTempDir implements TempDirFactory {
    static Path root() throws IOException {
        Path target = Path.of(System.getProperty("basedir", "."), "target", "test-tmp");
        Files.createDirectories(target);
        return target;
    }

    @Override
    public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext extension) throws IOException {
        return Files.createTempDirectory(root(), "junit-");
    }
}
