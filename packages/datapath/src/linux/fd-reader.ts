/**
 * Wakes a port when its nonblocking descriptor becomes readable and lets it drain synchronously on
 * the main thread (recvmmsg/read until EAGAIN or a budget). By default all ports share one poll on a
 * koffi worker thread (shared-poller.ts), which keeps the event loop free for everything else; a process
 * dedicated to the datapath blocks in poll on the main thread instead (dedicated-io-loop.ts).
 */
import {
  dedicatedIoLoopEnabled,
  registerReadable,
  unregisterReadable,
} from './dedicated-io-loop.js';
import { registerShared, unregisterShared } from './shared-poller.js';

/** Drain what is readable now; return true if there may be more (the budget ran out). */
export type DrainFn = () => boolean;

export class FdReader {
  private started: 'shared' | 'dedicated' | undefined;
  private closed: Promise<void> | undefined;

  constructor(
    private readonly name: string,
    private readonly fd: number,
    private readonly drain: DrainFn,
    private readonly onError: (err: unknown) => void,
  ) {}

  start(): void {
    if (this.started || this.closed) throw new Error(`${this.name}: reader already started`);
    if (dedicatedIoLoopEnabled()) {
      this.started = 'dedicated';
      registerReadable(this, this.fd, this.drain, this.onError);
    } else {
      this.started = 'shared';
      registerShared(this, this.fd, this.drain, this.onError);
    }
  }

  /** Stop reading; resolves once no poll includes the descriptor, so the caller may close it. */
  close(): Promise<void> {
    if (!this.closed) {
      if (this.started === 'dedicated') {
        unregisterReadable(this);
        this.closed = Promise.resolve();
      } else if (this.started === 'shared') {
        this.closed = unregisterShared(this);
      } else {
        this.closed = Promise.resolve();
      }
    }
    return this.closed;
  }
}
