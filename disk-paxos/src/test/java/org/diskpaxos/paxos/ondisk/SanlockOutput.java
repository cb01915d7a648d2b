package org.diskpaxos.paxos.ondisk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

/** Compares a decoded leader with the fields {@code sanlock direct read_leader} printed for the same bytes. */
final class SanlockOutput {
    private SanlockOutput() {
    }

    static long number(Map<String, String> fields, String name) {
        String value = fields.get(name);
        assertTrue(value != null, "sanlock printed no field " + name + " in " + fields);
        return value.startsWith("0x") ? Long.parseUnsignedLong(value.substring(2), 16) : Long.parseUnsignedLong(value);
    }

    /** Every field sanlock prints must equal ours; the checksum sanlock prints must equal what is stored. */
    static void assertLeaderMatches(Map<String, String> fields, LeaderRecord leader, int storedChecksum) {
        assertTrue(fields.size() >= 17, "read_leader output has all fields: " + fields);
        assertEquals(number(fields, "magic"), Integer.toUnsignedLong(leader.magic()), "magic");
        assertEquals(number(fields, "version"), Integer.toUnsignedLong(leader.version()), "version");
        assertEquals(number(fields, "flags"), Integer.toUnsignedLong(leader.flags()), "flags");
        assertEquals(number(fields, "sector_size"), Integer.toUnsignedLong(leader.sectorSizeBytes()), "sector_size");
        assertEquals(number(fields, "num_hosts"), leader.numHosts(), "num_hosts");
        assertEquals(number(fields, "max_hosts"), leader.maxHosts(), "max_hosts");
        assertEquals(number(fields, "owner_id"), leader.ownerId(), "owner_id");
        assertEquals(number(fields, "owner_generation"), leader.ownerGeneration(), "owner_generation");
        assertEquals(number(fields, "lver"), leader.lver(), "lver");
        assertEquals(fields.get("space_name"), leader.spaceName(), "space_name");
        assertEquals(fields.get("resource_name"), leader.resourceName(), "resource_name");
        assertEquals(number(fields, "timestamp"), leader.timestamp(), "timestamp");
        assertEquals(number(fields, "checksum"), Integer.toUnsignedLong(storedChecksum), "checksum");
        assertEquals(number(fields, "io_timeout"), leader.ioTimeoutSeconds(), "io_timeout");
        // sanlock prints the three unchecksummed u64s as extra1..3 for delta leases, write_* for paxos leases.
        boolean delta = fields.containsKey("extra1");
        assertEquals(number(fields, delta ? "extra1" : "write_id"), leader.writeId(), "write_id");
        assertEquals(number(fields, delta ? "extra2" : "write_generation"), leader.writeGeneration(),
                "write_generation");
        assertEquals(number(fields, delta ? "extra3" : "write_timestamp"), leader.writeTimestamp(),
                "write_timestamp");
    }
}
