package org.diskpaxos.lock.daemon;

import java.io.IOException;

/**
 * A watchdog that resets the machine unless it is petted in time: the third, last-resort stop of a host whose leases
 * are no longer safe (ARCHITECTURE.md §5), after the daemon's kills and each wrapper's own deadline. The daemon pets
 * it only while {@link WatchdogRule} says the host's lease holders are safe; a hung or stopped daemon stops petting
 * too.
 */
public interface HardwareWatchdog extends AutoCloseable {

    /** What to call it in logs. */
    String name();

    /** Keeps the machine alive for one more watchdog period. */
    void pet() throws IOException;

    /** Disarms the watchdog where the device allows it (the "magic close"), then closes it. */
    @Override
    void close();
}
