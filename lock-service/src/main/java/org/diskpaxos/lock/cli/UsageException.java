package org.diskpaxos.lock.cli;

/** A command line that cannot be run; the message names the bad argument. Exit code 64 (EX_USAGE). */
final class UsageException extends Exception {
    UsageException(String message) {
        super(message);
    }
}
