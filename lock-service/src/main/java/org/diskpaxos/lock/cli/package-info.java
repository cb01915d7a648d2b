/**
 * The {@code dplock} command line: one {@link org.diskpaxos.lock.cli.Command} per subcommand, started by the
 * {@code dplock} launcher at the repository root. Usage errors exit 64 and name the bad argument; other failures
 * exit 1 with a one-line reason.
 */
package org.diskpaxos.lock.cli;
