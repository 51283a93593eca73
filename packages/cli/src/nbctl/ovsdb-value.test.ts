import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { type ColumnType, datumToJson, formatDatum, parseDatum } from './ovsdb-value.js';

const STRING: ColumnType = { key: 'string', min: 1, max: 1 };
const OPT_INT: ColumnType = { key: 'integer', min: 0, max: 1 };
const SET: ColumnType = { key: 'string', min: 0, max: Number.POSITIVE_INFINITY };
const MAP: ColumnType = { key: 'string', value: 'string', min: 0, max: Number.POSITIVE_INFINITY };
const BOOL: ColumnType = { key: 'boolean', min: 1, max: 1 };

describe('OVSDB values', () => {
  test('scalars: bare strings are verbatim, quoted ones unescaped; integers and booleans are checked', () => {
    expect(parseDatum('00:00:00:00:00:01 10.0.0.1', STRING, 'x')).toBe(
      '00:00:00:00:00:01 10.0.0.1',
    );
    expect(parseDatum('"a \\"b\\"\\n"', STRING, 'x')).toBe('a "b"\n');
    expect(parseDatum('42', OPT_INT, 'x')).toBe(42);
    expect(parseDatum('[]', OPT_INT, 'x')).toBeNull();
    expect(() => parseDatum('4x', OPT_INT, 'x')).toThrow('"4x" is not an integer');
    expect(parseDatum('true', BOOL, 'x')).toBe(true);
    expect(() => parseDatum('yes', BOOL, 'x')).toThrow('"yes" is not a boolean');
  });

  test('sets and maps in braces or brackets; one element without them', () => {
    expect(parseDatum('{a, "b c",d}', SET, 'x')).toEqual(['a', 'b c', 'd']);
    expect(parseDatum('[]', SET, 'x')).toEqual([]);
    expect(parseDatum('10.0.0.1', SET, 'x')).toEqual(['10.0.0.1']);
    expect(parseDatum('{k=v, "x y"="1 2"}', MAP, 'x')).toEqual({ k: 'v', 'x y': '1 2' });
    expect(parseDatum('k=v', MAP, 'x')).toEqual({ k: 'v' });
    expect(() => parseDatum('{k}', MAP, 'x')).toThrow('expected key=value');
    expect(() => parseDatum('{a,b', SET, 'x')).toThrow('missing "}"');
  });

  test('printing follows OVSDB: strings quoted unless plain words, sets in [], maps in {}', () => {
    expect(formatDatum('sw0', STRING)).toBe('"sw0"');
    expect(formatDatum('public', STRING)).toBe('public');
    expect(formatDatum('true', STRING)).toBe('"true"');
    expect(formatDatum(['b', 'a'], SET)).toBe('[a, b]');
    expect(formatDatum({ z: '1', a: 'x' }, MAP)).toBe('{a=x, z="1"}');
    expect(formatDatum(null, OPT_INT)).toBe('[]');
    expect(formatDatum({ z: '1', a: 'x' }, MAP, true)).toBe('a=x z=1');
    expect(datumToJson({ a: 'x' }, MAP)).toEqual(['map', [['a', 'x']]]);
    expect(datumToJson(['a', 'b'], SET)).toEqual(['set', ['a', 'b']]);
  });

  test('whatever is printed reads back as the same value (sets, maps, strings)', () => {
    const text = fc.string({ unit: 'grapheme-ascii' });
    fc.assert(
      fc.property(fc.uniqueArray(text), (xs) => {
        expect([...(parseDatum(formatDatum(xs, SET), SET, 'x') as string[])].sort()).toEqual(
          [...xs].sort(),
        );
      }),
    );
    fc.assert(
      fc.property(fc.dictionary(text, text), (m) => {
        expect(parseDatum(formatDatum(m, MAP), MAP, 'x')).toEqual({ ...m });
      }),
    );
    fc.assert(
      fc.property(text, (s) => {
        expect(parseDatum(formatDatum(s, STRING), STRING, 'x')).toBe(s);
      }),
    );
  });
});
