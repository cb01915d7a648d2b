package org.diskpaxos.activedisk.format;

import org.diskpaxos.activedisk.AgentLimits;

/** Resource names inside records: a u16 length, then UTF-8. */
final class RecordNames {
    private RecordNames() {
    }

    /** The name, or null when the length is 0 or over the limit, or the bytes are not a valid name. */
    static String decode(byte[] sector, short lengthField, int offset) {
        int length = Short.toUnsignedInt(lengthField);
        if (length == 0 || length > AgentLimits.NAME_BYTES_MAX) {
            return null;
        }
        String name = Fields.decodeUtf8(sector, offset, length);
        return name == null || AgentLimits.checkResourceName(name) != null ? null : name;
    }
}
