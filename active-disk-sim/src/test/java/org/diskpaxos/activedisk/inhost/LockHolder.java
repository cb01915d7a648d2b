package org.diskpaxos.activedisk.inhost;

import java.nio.file.Path;

/** {@code FILE RESOURCE}: takes the resource's lock in the in-host file, prints "held", then sleeps until killed. */
public final class LockHolder {
    private LockHolder() {
    }

    public static void main(String[] args) throws Exception {
        InHostRegisters regs = InHostRegisters.open(Path.of(args[0]), InHostTestFiles.OPTIONS);
        System.out.println(regs.lockForTest(args[1]) ? "held" : "not held");
        System.out.flush();
        Thread.sleep(600_000);
    }
}
