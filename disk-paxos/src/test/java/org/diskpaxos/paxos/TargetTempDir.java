package org.diskpaxos.paxos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * Puts test directories under this module's {@code target/} (on the project's disk) rather than /tmp, which may be a
 * tmpfs where O_DIRECT is refused or means nothing: real-disk tests must hit a real file system.
 */
public final class TargetTempDir implements TempDirFactory {
    public static Path root() throws IOException {
        Path target = Path.of(System.getProperty("basedir", "."), "target", "test-tmp").toAbsolutePath();
        Files.createDirectories(target);
        return target;
    }

    @Override
    public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext extension) throws IOException {
        return Files.createTempDirectory(root(), "junit-");
    }
}
