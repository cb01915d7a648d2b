/**
 * The agent's pure core: {@link org.diskpaxos.activedisk.core.ResourceRegisters} (the paper's read-modify-write
 * functions on {@code R}, {@code W}, {@code V}) and {@link org.diskpaxos.activedisk.core.AgentCore} (names,
 * limits, CAS blocks, and durability: replies held until their batch is synced; one batch out at a time, which
 * makes concurrent requests share syncs). Inputs are requests and batch completions; outputs are
 * {@link org.diskpaxos.activedisk.core.CoreOutput}s. No clock, thread, randomness or I/O here
 * ({@code PurityRulesTest}); the NIO server, the simulated agent and the tests drive it.
 *
 * <p>Glossary: <em>change</em>, one state change, numbered ({@code changeSeq}); <em>durableSeq</em>, every change
 * up to it is synced; <em>needSeq</em> of a reply, the last change it could have observed; <em>held</em>, a reply
 * waiting for {@code durableSeq >= needSeq}.
 */
package org.diskpaxos.activedisk.core;
