// Abuse limits of every IMAP connection (the protocol-independent ones are in net/: line and
// output bounds in connection.ts, password guessing per address in login-limiter.ts).
// Mutable only so that tests, which run the server in their own process, can shorten the
// timers; the server never changes them.
export const IMAP_LIMITS = {
  preAuthIdleMs: 60_000,
  /** RFC 3501 §5.4: an autologout timer of at least 30 minutes; it runs during IDLE too (RFC 2177 lets it). */
  authIdleMs: 30 * 60_000,
  /** Wrong passwords on one connection before BYE. */
  maxFailedLogins: 3,
  /**
   * BAD answers in a row before BYE: a client that far out of step is not speaking IMAP. As
   * Dovecot's 20, so that a client probing extensions one by one is never cut off.
   */
  maxBadCommands: 20,
};
