package org.diskpaxos.paxos.ondisk;

import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import org.quicktheories.core.Gen;

/** QuickTheories generators for on-disk records; every field drawn over its full range unless the format limits it. */
final class Gens {
    private static final Gen<Integer> BYTE = integers().between(0, 255);
    private static final Gen<Integer> INT = integers().all();
    private static final Gen<Long> LONG = longs().all();
    private static final Gen<Integer> U16 = integers().between(0, 0xFFFF);
    private static final String NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:é€";

    private Gens() {
    }

    static Gen<byte[]> bytes(int minLength, int maxLength) {
        Gen<Integer> length = integers().between(minLength, maxLength);
        return in -> {
            byte[] data = new byte[length.generate(in)];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (int) BYTE.generate(in);
            }
            return data;
        };
    }

    /** Names that fit 48 UTF-8 bytes, including two- and three-byte characters. */
    static Gen<String> names() {
        Gen<Integer> length = integers().between(0, 48);
        Gen<Integer> pick = integers().between(0, NAME_CHARS.length() - 1);
        return in -> {
            StringBuilder name = new StringBuilder();
            int n = length.generate(in);
            for (int i = 0; i < n; i++) {
                String next = name.toString() + NAME_CHARS.charAt(pick.generate(in));
                if (next.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= OnDiskName.LENGTH) {
                    name.append(next.charAt(next.length() - 1));
                }
            }
            return name.toString();
        };
    }

    static Gen<LeaderRecord> leaders(int magic, int version) {
        Gen<String> names = names();
        return in -> new LeaderRecord(magic, version, INT.generate(in), INT.generate(in), LONG.generate(in),
                LONG.generate(in), LONG.generate(in), LONG.generate(in), LONG.generate(in), names.generate(in),
                names.generate(in), LONG.generate(in), LONG.generate(in), U16.generate(in), U16.generate(in),
                LONG.generate(in), LONG.generate(in), LONG.generate(in));
    }

    static Gen<LeaderRecord> anyKindOfLeader() {
        Gen<Integer> kind = integers().between(0, 1);
        Gen<LeaderRecord> delta = leaders(LeaderRecordDescriptor.DELTA_DISK_MAGIC,
                LeaderRecordDescriptor.DELTA_DISK_VERSION);
        Gen<LeaderRecord> paxos = leaders(LeaderRecordDescriptor.PAXOS_DISK_MAGIC,
                LeaderRecordDescriptor.PAXOS_DISK_VERSION);
        return in -> kind.generate(in) == 0 ? delta.generate(in) : paxos.generate(in);
    }

    /** Dblocks over the full range of every field (a sanlock-blank one has probability 2^-256). */
    static Gen<Dblock> dblocks() {
        return in -> new Dblock(LONG.generate(in), LONG.generate(in), LONG.generate(in), LONG.generate(in),
                LONG.generate(in), LONG.generate(in), INT.generate(in));
    }

    static Gen<HostIdBitmap> bitmaps() {
        Gen<Integer> count = integers().between(0, 10);
        Gen<Integer> hostId = integers().between(1, HostIdBitmap.HOST_ID_MAX);
        return in -> {
            HostIdBitmap bitmap = HostIdBitmap.EMPTY;
            int n = count.generate(in);
            for (int i = 0; i < n; i++) {
                bitmap = bitmap.with(hostId.generate(in));
            }
            return bitmap;
        };
    }

    static Gen<RequestRecord> requests() {
        Gen<Integer> minor = integers().between(0, 0xFFFF);
        return in -> new RequestRecord(0x00010000 | minor.generate(in), LONG.generate(in), INT.generate(in));
    }

    static Gen<ModeBlock> modeBlocks() {
        return in -> new ModeBlock(INT.generate(in), LONG.generate(in));
    }

    static Gen<Integer> ints(int min, int max) {
        return integers().between(min, max);
    }
}
