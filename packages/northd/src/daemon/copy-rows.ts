import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** A value COPY's text format can carry here: text, a number, or NULL. */
export type CopyValue = string | number | null | undefined;

/** Bytes per buffer: a batch of flows fills a few. */
const CHUNK_BYTES = 256 * 1024;
const TAB = 9;
const NEWLINE = 10;

/**
 * Rows in COPY's text format, encoded straight into buffers as they are added. COPY is
 * PostgreSQL's bulk path: it parses plain lines instead of one array literal per column, which
 * makes the SB write of a full compile cheaper on both sides. The rows live outside the JS heap
 * (a batch waiting for its turn would otherwise be copied by every young-generation collection).
 */
export class CopyRows {
  private readonly done: Buffer[] = [];
  private buf = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;
  private fields = 0;
  count = 0;

  /** Appends one field to the current row. */
  field(v: CopyValue): this {
    const s =
      v === null || v === undefined ? '\\N' : typeof v === 'number' ? String(v) : copyText(v);
    // A UTF-16 code unit takes at most 3 bytes of UTF-8; one more for the separator.
    this.reserve(s.length * 3 + 1);
    if (this.fields++) this.buf[this.used++] = TAB;
    this.used += this.buf.write(s, this.used);
    return this;
  }

  /** Ends the current row. */
  end(): void {
    this.reserve(1);
    this.buf[this.used++] = NEWLINE;
    this.fields = 0;
    this.count++;
  }

  /** Appends a whole row. */
  add(values: readonly CopyValue[]): void {
    for (const v of values) this.field(v);
    this.end();
  }

  /** The encoded rows. */
  chunks(): Buffer[] {
    return this.used ? [...this.done, this.buf.subarray(0, this.used)] : [...this.done];
  }

  private reserve(bytes: number): void {
    if (this.used + bytes <= this.buf.length) return;
    if (this.used) this.done.push(this.buf.subarray(0, this.used));
    this.buf = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, bytes));
    this.used = 0;
  }
}

const SPECIAL = /[\\\t\n\r]/;
const SPECIALS = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** Escapes a text value for COPY's text format (backslash, tab, newline, carriage return). */
export function copyText(s: string): string {
  return SPECIAL.test(s) ? s.replace(SPECIALS, (c) => ESCAPES[c]!) : s;
}

/** Runs `COPY … FROM STDIN` with the given rows on the client; resolves when it has completed. */
export function copyInto(client: pg.PoolClient, sqlText: string, rows: CopyRows): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = client.query(copyFrom(sqlText));
    stream.on('finish', resolve);
    stream.on('error', reject);
    for (const c of rows.chunks()) stream.write(c);
    stream.end();
  });
}
