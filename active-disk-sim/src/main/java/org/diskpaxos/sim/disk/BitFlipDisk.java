package org.diskpaxos.sim.disk;

import java.nio.ByteBuffer;

/**
 * Bit flips: with probability {@code readProbability} one bit of the data a successful read returns is flipped
 * (the medium keeps the right data); with probability {@code writeProbability} one bit of the data a write stores
 * is flipped (the host's buffer keeps the right data). Exactly one bit, answered OK. Sits directly above the
 * medium or the write cache, so copying a write's data here is the instant it is applied.
 */
public final class BitFlipDisk extends DiskDecorator implements Healable {
    private double readProbability;
    private double writeProbability;

    public BitFlipDisk(DiskStage next, DiskEnv env, double readProbability, double writeProbability) {
        super("bit-flip", next, env);
        requireProbability(readProbability, "read bit-flip probability");
        requireProbability(writeProbability, "write bit-flip probability");
        this.readProbability = readProbability;
        this.writeProbability = writeProbability;
    }

    @Override
    public void submit(DiskRequest request, DiskReply reply) {
        switch (request.kind()) {
            case READ -> next.submit(request, outcome -> {
                if (outcome.ok() && prng.chance(readProbability)) {
                    flip(request, request.buffer(), request.bufferOffset());
                }
                reply.done(outcome);
            });
            case WRITE -> {
                if (!prng.chance(writeProbability)) {
                    next.submit(request, reply);
                    return;
                }
                byte[] copy = new byte[request.lengthBytes()];
                request.buffer().get(request.bufferOffset(), copy, 0, copy.length);
                ByteBuffer corrupted = ByteBuffer.wrap(copy);
                DiskRequest derived = request.withBuffer(corrupted, 0);
                flip(derived, corrupted, 0);
                next.submit(derived, reply);
            }
            default -> next.submit(request, reply);
        }
    }

    private void flip(DiskRequest request, ByteBuffer data, int dataOffset) {
        int byteIndex = prng.nextInt(request.lengthBytes());
        int bit = prng.nextInt(8);
        int at = dataOffset + byteIndex;
        data.put(at, (byte) (data.get(at) ^ (1 << bit)));
        int sectorSize = sectorSizeBytes();
        long sector = request.offsetBytes() / sectorSize + byteIndex / sectorSize;
        int bitInSector = (byteIndex % sectorSize) * 8 + bit;
        request.mark(DiskFaultKind.BIT_FLIP);
        env.report(DiskFaultKind.BIT_FLIP, sector,
                new DiskFaultEvent.BitFlipped(env.diskIndex(), request, sector, bitInSector));
    }

    @Override
    public void heal() {
        readProbability = 0;
        writeProbability = 0;
    }
}
