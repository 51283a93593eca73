/** Formats values as ovn-sbctl prints them: bare words unquoted, sets [a, b], maps {k=v}. */
export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return '[]';
  if (Array.isArray(v)) return `[${v.map(formatAtom).join(', ')}]`;
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
      a.localeCompare(b),
    );
    return `{${entries.map(([k, x]) => `${formatAtom(k)}=${formatAtom(x)}`).join(', ')}}`;
  }
  return formatAtom(v);
}

const BARE = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function formatAtom(a: unknown): string {
  if (typeof a === 'number' || typeof a === 'boolean') return String(a);
  const s = String(a);
  if (UUID.test(s) || (BARE.test(s) && s !== 'true' && s !== 'false')) return s;
  return JSON.stringify(s);
}

/** One record as `column : value` lines, aligned, like ovn-sbctl list. */
export function formatRecord(row: Record<string, unknown>, columns?: readonly string[]): string[] {
  const cols = columns ?? Object.keys(row);
  const width = Math.max(...cols.map((c) => c.length));
  return cols.map((c) => `${c.padEnd(width)} : ${formatValue(row[c])}`);
}
