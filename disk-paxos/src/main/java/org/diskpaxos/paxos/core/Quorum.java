package org.diskpaxos.paxos.core;

/**
 * Majorities over disks. With an even number of disks half is not enough (sanlock's {@code majority_disks}); any two
 * majorities of the same disk set intersect, which is all the Disk Paxos proof needs.
 */
public final class Quorum {

    /** The most disks one lockspace or resource may span. */
    public static final int DISKS_MAX = 7;

    private Quorum() {
    }

    /** The smallest number of disks that is a majority of {@code diskCount}. */
    public static int majority(int diskCount) {
        checkDiskCount(diskCount);
        return diskCount / 2 + 1;
    }

    /** How many disks may fail while a majority remains. */
    public static int tolerated(int diskCount) {
        return diskCount - majority(diskCount);
    }

    public static void checkDiskCount(int diskCount) {
        if (diskCount < 1 || diskCount > DISKS_MAX) {
            throw new IllegalArgumentException("disk count must be 1.." + DISKS_MAX + ", got " + diskCount);
        }
    }
}
