package org.diskpaxos.blockdev;

import java.io.IOException;
import java.nio.file.Path;
import org.diskpaxos.blockdev.Fixtures.Fixture;
import org.diskpaxos.blockdev.Fixtures.Layout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The memory-mapped backend keeps the BlockDevice contract on a file, whole and as a guarded region. */
@ParameterizedClass
@EnumSource(Layout.class)
class MappedFileContractTest extends BlockDeviceContract {
    @TempDir(factory = TargetTempDir.class)
    Path dir;

    MappedFileContractTest(Layout layout) {
        super(layout);
    }

    @Override
    protected Fixture open(Layout layout) throws IOException {
        return new Fixtures.FileFixture(layout, dir, BlockDeviceOptions.mapped().withSectorSize(512), 0);
    }

    @Override
    protected int expectedSectorBytes() {
        return 512;
    }

    @Override
    protected boolean expectedShareable() {
        return false;
    }
}
