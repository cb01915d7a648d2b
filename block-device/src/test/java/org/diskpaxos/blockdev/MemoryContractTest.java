package org.diskpaxos.blockdev;

import java.io.IOException;
import org.diskpaxos.blockdev.Fixtures.Fixture;
import org.diskpaxos.blockdev.Fixtures.Layout;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The memory backend keeps the BlockDevice contract, whole and as a guarded region. */
@ParameterizedClass
@EnumSource(Layout.class)
class MemoryContractTest extends BlockDeviceContract {
    MemoryContractTest(Layout layout) {
        super(layout);
    }

    @Override
    protected Fixture open(Layout layout) throws IOException {
        return new Fixtures.MemoryFixture(layout, 512);
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
