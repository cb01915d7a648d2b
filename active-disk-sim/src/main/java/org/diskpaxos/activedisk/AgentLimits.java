package org.diskpaxos.activedisk;

/**
 * Fixed limits of the active-disk protocol and device format (version 1). They bound every message and every
 * record, so that a frame's size is known before it is read and a register always fits in one sector.
 */
public final class AgentLimits {
    /** Longest resource name, in UTF-8 bytes. */
    public static final int NAME_BYTES_MAX = 64;
    /** Longest register value. */
    public static final int VALUE_BYTES_MAX = 256;
    /** Size of one compare-and-write block. */
    public static final int CAS_BLOCK_BYTES = 256;
    /** Most instances a resource keeps (the window); also the most an {@code rrReadFrom} returns. */
    public static final int WINDOW_INSTANCES_MAX = 64;
    /** Longest agent name (in its superblock and hello), in UTF-8 bytes. */
    public static final int AGENT_NAME_BYTES_MAX = 64;
    /** Longest error message an agent sends. */
    public static final int ERROR_MESSAGE_BYTES_MAX = 512;
    /** Most counters in a stat reply. */
    public static final int STAT_COUNTERS_MAX = 128;

    private AgentLimits() {
    }

    /** Null when {@code name} is a valid resource name, else why not. */
    public static String checkResourceName(String name) {
        if (name == null || name.isEmpty()) {
            return "resource name is empty";
        }
        int bytes = name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes > NAME_BYTES_MAX) {
            return "resource name '" + abbreviate(name) + "' is " + bytes + " bytes, over the limit of "
                    + NAME_BYTES_MAX;
        }
        if (!new String(name.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.nio.charset.StandardCharsets.UTF_8).equals(name)) {
            return "resource name '" + abbreviate(name) + "' is not valid Unicode (unpaired surrogate)";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return "resource name '" + abbreviate(name) + "' contains control character 0x"
                        + Integer.toHexString(c);
            }
        }
        return null;
    }

    static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
