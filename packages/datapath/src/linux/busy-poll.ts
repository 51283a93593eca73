/**
 * How long the dedicated I/O loop may block in poll(), as a pure function of when it last saw traffic.
 *
 * Why a busy window: a frame that finds the loop asleep in poll() waits for the kernel to wake the
 * thread (tens of microseconds on an idle core, far more when the core is busy with other work), and a
 * request/response exchange (ping, a TCP ACK clocking the next segments) pays it on every turn. For a
 * short, bounded time after traffic the loop polls without blocking instead, so the next frame of an
 * exchange in progress is picked up at once; once the window has passed without traffic it blocks
 * again, so an idle datapath burns no CPU.
 */

export interface BusyPollOptions {
  /** Milliseconds after the last frame during which the loop does not block (0: never spin). */
  readonly windowMs: number;
  /** Longest block when idle, so the event loop still runs (commands, timers). */
  readonly idleWaitMs: number;
}

/**
 * The poll() timeout in milliseconds: 0 while a port has more to read or the last traffic was less
 * than `windowMs` ago, else `idleWaitMs`. `now` and `lastTrafficAt` are in the same clock's ms.
 */
export function pollTimeout(
  options: BusyPollOptions,
  now: number,
  lastTrafficAt: number,
  moreToRead: boolean,
): number {
  if (moreToRead) return 0;
  if (options.windowMs > 0 && now - lastTrafficAt < options.windowMs) return 0;
  return options.idleWaitMs;
}
