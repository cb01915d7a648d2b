/**
 * Cross-module integration tests with real processes and real storage: several JVMs as hosts of one lockspace on
 * shared files and loop devices ({@link org.diskpaxos.it.MultiProcessLeaseTest}), contending for a lease and
 * writing to a fenced counter ({@link org.diskpaxos.it.FencedCounter}) whose log is checked afterwards
 * ({@link org.diskpaxos.it.CounterLog}).
 */
package org.diskpaxos.it;
