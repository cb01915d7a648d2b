package org.diskpaxos.sim.check;

import java.util.ArrayList;
import java.util.List;

/** The checkers of one run, in registration order; names are unique. At most {@link #CHECKERS_MAX}. */
public final class CheckerRegistry {
    public static final int CHECKERS_MAX = 64;
    private final List<Checker> checkers = new ArrayList<>();
    private Checker[] snapshot = new Checker[0];

    public void register(Checker checker) {
        for (Checker c : checkers) {
            if (c.name().equals(checker.name())) {
                throw new IllegalArgumentException("a checker named '" + checker.name() + "' is already registered");
            }
        }
        if (checkers.size() >= CHECKERS_MAX) {
            throw new IllegalStateException("more than " + CHECKERS_MAX + " checkers");
        }
        checkers.add(checker);
        snapshot = checkers.toArray(new Checker[0]);
    }

    public List<Checker> all() {
        return List.copyOf(checkers);
    }

    public void afterEvent(CheckContext context) {
        for (Checker c : snapshot) {
            c.afterEvent(context);
        }
    }

    public void atEnd(CheckContext context) {
        for (Checker c : snapshot) {
            c.atEnd(context);
        }
    }
}
