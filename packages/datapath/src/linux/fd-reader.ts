/**
 * Wakes JS when a nonblocking file descriptor becomes readable, without blocking the event loop:
 * a `poll()` on the fd and on an eventfd runs on one of koffi's worker threads; when it returns, the
 * owner drains the fd synchronously on the main thread (recvmmsg/read until EAGAIN or a budget). While
 * the drain keeps finding full batches we skip poll and come back through setImmediate, so a busy port
 * costs no thread hop per batch and still lets timers and other sockets run in between.
 * A process dedicated to the datapath replaces all this by one blocking loop (dedicated-io-loop.ts).
 */
import {
  dedicatedIoLoopEnabled,
  registerReadable,
  unregisterReadable,
} from './dedicated-io-loop.js';
import { check, EFD_CLOEXEC, EFD_NONBLOCK, libc, POLLIN } from './libc.js';

/** Drain what is readable now; return true if there may be more (the budget ran out). */
export type DrainFn = () => boolean;

export class FdReader {
  private wakeFd = -1;
  private dedicated = false;
  private readonly pollfds = Buffer.alloc(16);
  private closing = false;
  private polling = false;
  private finished = false;
  private stopped: (() => void) | undefined;
  private readonly done: Promise<void>;

  constructor(
    private readonly name: string,
    private readonly fd: number,
    private readonly drain: DrainFn,
    private readonly onError: (err: unknown) => void,
  ) {
    this.pollfds.writeInt32LE(fd, 0);
    this.pollfds.writeInt16LE(POLLIN, 4);
    this.pollfds.writeInt16LE(POLLIN, 12);
    this.done = new Promise((resolve) => {
      this.stopped = resolve;
    });
  }

  start(): void {
    if (dedicatedIoLoopEnabled()) {
      this.dedicated = true;
      registerReadable(this, this.fd, this.drain, this.onError);
      return;
    }
    this.wakeFd = check(this.name, 'eventfd', libc().eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    this.pollfds.writeInt32LE(this.wakeFd, 8);
    this.step();
  }

  private step = (): void => {
    if (this.closing) {
      this.finish();
      return;
    }
    let more: boolean;
    try {
      more = this.drain();
    } catch (err) {
      this.onError(err);
      more = false;
    }
    if (this.closing) {
      this.finish();
      return;
    }
    if (more) {
      setImmediate(this.step);
      return;
    }
    this.polling = true;
    libc().poll.async(this.pollfds, 2, -1, (err: unknown, rc: number) => {
      this.polling = false;
      // rc < 0 can only be EINTR here (errno is per thread, so it is not readable from this side): retry.
      if (err) this.onError(err);
      void rc;
      this.step();
    });
  };

  private finish(): void {
    if (this.polling || this.finished) return; // a pending poll callback comes back here
    this.finished = true;
    if (this.wakeFd >= 0) libc().close(this.wakeFd);
    this.stopped?.();
    this.stopped = undefined;
  }

  /** Stop reading; resolves once no poll is in flight, so the caller may close its fd. */
  close(): Promise<void> {
    if (this.dedicated && !this.closing) {
      this.closing = true;
      unregisterReadable(this);
      this.finish();
    }
    if (!this.closing) {
      this.closing = true;
      if (this.wakeFd < 0) {
        // Never started.
        this.finish();
        return this.done;
      }
      const one = Buffer.alloc(8);
      one.writeBigUInt64LE(1n);
      libc().write(this.wakeFd, one, 8);
      if (!this.polling) queueMicrotask(() => this.finish());
    }
    return this.done;
  }
}
