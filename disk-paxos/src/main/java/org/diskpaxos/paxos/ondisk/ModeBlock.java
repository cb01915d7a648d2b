package org.diskpaxos.paxos.ondisk;

/**
 * sanlock's {@code struct mode_block}, at +128 in a host's resource sector: whether the host holds the lease shared,
 * and with which host generation. No checksum.
 *
 * @param flags {@link ModeBlockDescriptor#MBLOCK_SHARED}
 * @param generation the shared holder's host generation
 */
public record ModeBlock(int flags, long generation) {
    /** No shared hold: what an exclusive holder or a releasing host writes. */
    public static final ModeBlock NONE = new ModeBlock(0, 0);

    public static ModeBlock shared(long generation) {
        return new ModeBlock(ModeBlockDescriptor.MBLOCK_SHARED, generation);
    }

    public boolean isShared() {
        return (flags & ModeBlockDescriptor.MBLOCK_SHARED) != 0;
    }
}
