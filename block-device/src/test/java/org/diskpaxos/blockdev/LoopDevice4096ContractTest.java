package org.diskpaxos.blockdev;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.diskpaxos.blockdev.Fixtures.Fixture;
import org.diskpaxos.blockdev.Fixtures.Layout;
import org.diskpaxos.blockdev.loop.LoopDevice;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The direct-I/O backend keeps the BlockDevice contract on a real loop device with 4096-byte logical sectors. */
@ParameterizedClass
@EnumSource(Layout.class)
class LoopDevice4096ContractTest extends BlockDeviceContract {
    @TempDir(factory = TargetTempDir.class)
    Path dir;

    LoopDevice4096ContractTest(Layout layout) {
        super(layout);
    }

    @BeforeAll
    static void needLoopDevices() {
        String reason = LoopDevice.unavailableReason();
        if (reason != null) {
            System.out.println("SKIPPED LoopDevice4096ContractTest: " + reason);
        }
        assumeTrue(reason == null, reason);
    }

    @Override
    protected Fixture open(Layout layout) throws IOException {
        return new Fixtures.FileFixture(layout, dir, BlockDeviceOptions.direct(), 4096);
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
