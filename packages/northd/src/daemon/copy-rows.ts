import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** A value COPY's text format can carry here: text, a number, or NULL. */
export type CopyValue = string | number | null | undefined;

/**
 * Rows in COPY's text format, built up one row at a time. COPY is PostgreSQL's bulk path: it
 * parses plain lines instead of one array literal per column, which makes the SB write of a full
 * compile cheaper on both sides.
 */
export class CopyRows {
  private parts: string[] = [];
  count = 0;

  add(values: readonly CopyValue[]): void {
    let line = '';
    for (let i = 0; i < values.length; i++) {
      if (i) line += '\t';
      const v = values[i];
      line +=
        v === null || v === undefined ? '\\N' : typeof v === 'number' ? String(v) : copyText(v);
    }
    this.parts.push(line);
    this.count++;
  }

  text(): string {
    return this.parts.length ? `${this.parts.join('\n')}\n` : '';
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
    stream.end(rows.text());
  });
}
