package org.diskpaxos.blockdev;

import java.io.IOException;
import java.nio.file.Path;
import org.diskpaxos.blockdev.Fixtures.Fixture;
import org.diskpaxos.blockdev.Fixtures.Layout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The direct-I/O backend keeps the BlockDevice contract on a regular file with 4096-byte sectors. */
@ParameterizedClass
@EnumSource(Layout.class)
class DirectFileContractTest extends BlockDeviceContract {
    @TempDir(factory = TargetTempDir.class)
    Path dir;

    DirectFileContractTest(Layout layout) {
        super(layout);
    }

    @Override
    protected Fixture open(Layout layout) throws IOException {
        return new Fixtures.FileFixture(layout, dir, BlockDeviceOptions.direct().withSectorSize(4096), 0);
    }

    @Override
    protected int expectedSectorBytes() {
        return 4096;
    }

    @Override
    protected boolean expectedShareable() {
        return true;
    }

    @Override
    protected int examples() {
        return 25;
    }
}
