package org.diskpaxos.sim.disk;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Each fault decorator does nothing else: with its fault switched off (or, for the ones with no rate, in normal
 * operation) any sequence of I/O gives exactly the outcomes, read data and final image of the bare medium.
 */
class DecoratorTransparencyTest {

    private static final Map<String, BiFunction<DiskKit, DiskStage, DiskStage>> OFF = new TreeMap<>();

    static {
        OFF.put("latency", (k, s) -> new LatencyDisk(s, k.env(1), new LatencyModel(1_000, 50_000, 900_000)));
        OFF.put("stall", (k, s) -> new StallDisk(s, k.env(2), 0, 1_000_000, 2_000_000));
        OFF.put("error", (k, s) -> new ErrorDisk(s, k.env(3), 0));
        OFF.put("torn-write", (k, s) -> new TornWriteDisk(s, k.env(4), 0));
        OFF.put("misdirect", (k, s) -> new MisdirectDisk(s, k.env(5), 0, 8));
        OFF.put("bit-flip", (k, s) -> new BitFlipDisk(s, k.env(6), 0, 0));
        OFF.put("write-cache", (k, s) -> new WriteCacheDisk(s, k.env(7)));
        OFF.put("sector-split", (k, s) -> new SectorSplitDisk(s, k.env(8)));
        OFF.put("unresponsive", (k, s) -> new UnresponsiveDisk(s, k.env(9), -1));
        OFF.put("crash-drop (live host)", (k, s) -> new CrashDropDisk(s, k.env(10), (h, i) -> true, 1.0));
        OFF.put("healed error", (k, s) -> {
            ErrorDisk e = new ErrorDisk(s, k.env(11), 1.0);
            e.heal();
            return e;
        });
    }

    @TestFactory
    Stream<DynamicTest> switchedOffDecoratorIsTheBareMedium() {
        return OFF.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            try {
                qt().withExamples(40).withFixedSeed(17).forAll(longs().all()).check(seed -> {
                    DiskKit.Transcript bare = DiskKit.transcript(seed, 60, (k, s) -> s);
                    DiskKit.Transcript decorated = DiskKit.transcript(seed, 60, e.getValue());
                    return bare.sameAs(decorated);
                });
            } catch (AssertionError failure) {
                throw new AssertionError(e.getKey() + " is not transparent when off", failure);
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> theFaultMakesADifference() {
        // The same harness tells a decorator whose fault is on from the bare medium: the check above can fail.
        Map<String, BiFunction<DiskKit, DiskStage, DiskStage>> on = new TreeMap<>();
        on.put("error", (k, s) -> new ErrorDisk(s, k.env(3), 1.0));
        on.put("misdirect", (k, s) -> new MisdirectDisk(s, k.env(5), 1.0, 8));
        on.put("bit-flip", (k, s) -> new BitFlipDisk(s, k.env(6), 1.0, 1.0));
        on.put("torn-write", (k, s) -> new TornWriteDisk(s, k.env(4), 1.0));
        return on.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            DiskKit.Transcript bare = DiskKit.transcript(99, 60, (k, s) -> s);
            assertTrue(!bare.sameAs(DiskKit.transcript(99, 60, e.getValue())), e.getKey() + " changed nothing");
        }));
    }
}
