package org.diskpaxos.activedisk.inhost;

/** Shared settings of the in-host tests. */
final class InHostTestFiles {
    /** Not durable: the concurrency tests are about atomicity, and msync per operation would dominate them. */
    static final InHostOptions OPTIONS = new InHostOptions(256, 8, 16, false, 10_000);

    private InHostTestFiles() {
    }
}
