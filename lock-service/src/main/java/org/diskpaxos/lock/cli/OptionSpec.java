package org.diskpaxos.lock.cli;

import java.util.Set;

/** Implemented by commands that take options: which take a value and which are plain flags. */
interface OptionSpec {
    Set<String> valuedOptions();

    Set<String> booleanOptions();
}
