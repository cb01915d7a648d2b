package org.diskpaxos.activedisk.server;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;
import org.diskpaxos.activedisk.core.CoreOutput;
import org.diskpaxos.activedisk.core.SectorWrite;

/**
 * The agent's one I/O thread: takes a core's flush, writes its sectors (runs of consecutive sectors as one write),
 * syncs, and reports. The core has at most one flush out, so the queue never holds more than one.
 */
final class SyncWorker {
    /** How a flush ended. */
    record Done(long batchId, boolean ok, String problem) {
    }

    private static final CoreOutput.Flush STOP = new CoreOutput.Flush(-1, List.of());

    private final AgentStorage storage;
    private final int sectorSizeBytes;
    private final BlockingQueue<CoreOutput.Flush> queue = new ArrayBlockingQueue<>(2);
    private final Consumer<Done> done;
    private final Thread thread;

    SyncWorker(AgentStorage storage, int sectorSizeBytes, Consumer<Done> done, String name) {
        this.storage = storage;
        this.sectorSizeBytes = sectorSizeBytes;
        this.done = done;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    void submit(CoreOutput.Flush flush) {
        if (!queue.offer(flush)) {
            throw new IllegalStateException("a second flush while one is out: the core's contract is broken");
        }
    }

    private void run() {
        while (true) {
            CoreOutput.Flush f;
            try {
                f = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (f == STOP) {
                return;
            }
            Done result;
            try {
                write(f.writes());
                storage.sync();
                result = new Done(f.batchId(), true, "");
            } catch (IOException | RuntimeException e) {
                result = new Done(f.batchId(), false, String.valueOf(e.getMessage()));
            }
            done.accept(result);
        }
    }

    private void write(List<SectorWrite> writes) throws IOException {
        int i = 0;
        while (i < writes.size()) {
            int j = i + 1;
            while (j < writes.size() && writes.get(j).sector() == writes.get(j - 1).sector() + 1) {
                j++;
            }
            if (j == i + 1) {
                storage.write(writes.get(i).sector(), sectorSizeBytes, writes.get(i).bytes());
            } else {
                byte[] run = new byte[(j - i) * sectorSizeBytes];
                for (int k = i; k < j; k++) {
                    System.arraycopy(writes.get(k).bytes(), 0, run, (k - i) * sectorSizeBytes, sectorSizeBytes);
                }
                storage.write(writes.get(i).sector(), sectorSizeBytes, run);
            }
            i = j;
        }
    }

    /** Lets the flush in progress finish, then stops; waits at most {@code waitMs}. */
    void stop(long waitMs) {
        queue.offer(STOP);
        try {
            thread.join(waitMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
