package org.diskpaxos.lock.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The validity file: a holder reads its lockspace's deadline only for the generation that granted its lease, so a
 * daemon that lost and rejoined a lockspace never extends the old generation's leases.
 */
class ValidityFileTest {

    @TempDir
    Path dir;

    @Test
    void aDeadlineCountsOnlyForItsGeneration() throws IOException {
        Path f = dir.resolve("d.sock.validity");
        try (ValidityFile daemon = ValidityFile.create(f); ValidityFile holder = ValidityFile.open(f)) {
            daemon.publish("vms", 1_000, 4);
            assertEquals(1_000, holder.validUntilNs("vms", 4));
            daemon.publish("vms", 0, 4);                 // lost
            daemon.publish("vms", 9_000, 5);             // rejoined as generation 5
            assertEquals(0, holder.validUntilNs("vms", 4), "the old generation's lease was extended");
            assertEquals(9_000, holder.validUntilNs("vms", 5));
            assertEquals(9_000, holder.validUntilNs("vms"));
            assertEquals(0, holder.validUntilNs("other", 5));
        }
    }

    @Test
    void somethingElseIsNotAValidityFile() throws IOException {
        Path f = dir.resolve("junk");
        Files.write(f, new byte[8192]);
        IOException e = assertThrows(IOException.class, () -> ValidityFile.open(f));
        assertEquals(f + " is not a dplock validity file (bad magic)", e.getMessage());
    }
}
