import { describe, expect, test } from 'vitest';
import { families, loadCommands } from './registry.js';

describe('command registry', () => {
  test('each family lists exactly the commands its file defines, and no name is defined twice', async () => {
    const seen: string[] = [];
    for (const f of families) {
      const names = (await f.load()).map((c) => c.name);
      expect(names).toEqual(f.names);
      seen.push(...names);
    }
    expect(new Set(seen).size).toBe(seen.length);
  });

  test('loading by name brings in only the families needed', async () => {
    const some = await loadCommands(['ls-add', 'lsp-set-addresses', 'no-such-command']);
    expect([...some.keys()]).toEqual(['ls-add', 'ls-del', 'ls-list', ...families[4]!.names]);
    expect((await loadCommands()).size).toBe(families.reduce((n, f) => n + f.names.length, 0));
  });
});
