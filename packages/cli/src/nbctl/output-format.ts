/**
 * Prints a command's rows in the format asked for: OVSDB's `list` records, a table, JSON
 * (OVSDB's {"headings", "data"} shape) or CSV. Pure except for the lazy load of cli-table3.
 */

import type { Output, TableOutput } from './command.js';
import type { OutputFormat } from './command-line.js';
import { type ColumnType, datumToJson, formatDatum } from './ovsdb-value.js';

const PLAIN: ColumnType = { key: 'string', min: 1, max: 1 };

export async function renderOutput(
  out: Output,
  format: OutputFormat | undefined,
  bare: boolean,
): Promise<string[]> {
  if (!isTable(out)) return [...out];
  if (format === undefined && out.text) return [...out.text];
  return renderTable(out, format ?? 'list', bare);
}

function isTable(out: Output): out is TableOutput {
  return !Array.isArray(out) && (out as TableOutput).kind === 'table';
}

export async function renderTable(
  t: TableOutput,
  format: OutputFormat,
  bare: boolean,
): Promise<string[]> {
  const type = (i: number) => t.types?.[i] ?? PLAIN;
  // Friendly tables hold plain strings; only typed (generic) columns get OVSDB quoting.
  const cell = (row: readonly unknown[], i: number, forceBare = bare) =>
    formatDatum(row[i] as never, type(i), forceBare || !t.types);
  switch (format) {
    case 'list': {
      const lines: string[] = [];
      const width = Math.max(0, ...t.headings.map((h) => h.length));
      t.rows.forEach((row, r) => {
        if (r > 0) lines.push('');
        t.headings.forEach((h, i) => {
          lines.push(bare ? cell(row, i) : `${h.padEnd(width)} : ${cell(row, i)}`);
        });
      });
      return lines;
    }
    case 'json':
      return [
        JSON.stringify({
          headings: t.headings,
          data: t.rows.map((row) => row.map((d, i) => (t.types ? datumToJson(d, type(i)) : d))),
        }),
      ];
    case 'csv': {
      const lines = bare ? [] : [t.headings.map(csvQuote).join(',')];
      for (const row of t.rows) lines.push(row.map((_, i) => csvQuote(cell(row, i))).join(','));
      return lines;
    }
    case 'table': {
      const { default: Table } = await import('cli-table3');
      const table = new Table({
        head: bare ? [] : [...t.headings],
        style: { head: [], border: [], compact: true },
      });
      for (const row of t.rows) table.push(row.map((_, i) => cell(row, i)));
      return table.toString().split('\n');
    }
  }
}

function csvQuote(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
