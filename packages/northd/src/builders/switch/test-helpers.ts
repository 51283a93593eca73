// Test-only helpers for the switch builders' golden and behavioural tests.
import { expect, test } from 'vitest';
import { deriveSwitch } from '../../inputs/derive.js';
import type { Diagnostic, LFlow } from '../../lflow.js';
import type { Stage } from '../../stages.js';
import { formatFlows } from '../../testing/format-flows.js';
import { NbFixture } from '../../testing/nb-fixture.js';
import { buildDatapath } from '../build.js';
import type { GoldenCase } from './golden-case.js';

/** All flows and diagnostics of switch `sw` of the fixture. */
export function buildSwitch(
  fx: NbFixture,
  sw: string,
): { flows: LFlow[]; diagnostics: Diagnostic[] } {
  const input = deriveSwitch(fx.model, fx.id(sw));
  if (!input) throw new Error(`no switch ${sw}`);
  return buildDatapath(input);
}

/** Golden text of the switch's flows in `stages`. */
export function golden(fx: NbFixture, sw: string, stages: readonly Stage[]): string {
  return formatFlows(buildSwitch(fx, sw).flows, { stages });
}

/** Golden lines as an array (easier to read in table-driven expectations). */
export function goldenLines(fx: NbFixture, sw: string, stages: readonly Stage[]): string[] {
  const text = golden(fx, sw, stages);
  return text ? text.split('\n') : [];
}

/** Runs table-driven golden cases: the flows of "sw0" in the case's stages, and its diagnostics. */
export function runGoldenCases(cases: readonly GoldenCase[]): void {
  for (const c of cases) {
    test(c.name, () => {
      const fx = new NbFixture();
      c.setup(fx);
      const { flows, diagnostics } = buildSwitch(fx, 'sw0');
      const text = formatFlows(flows, { stages: c.stages });
      expect(text ? text.split('\n') : []).toEqual(c.expected);
      expect(diagnostics.map((d) => `${d.nbTable}: ${d.problem}`)).toEqual(c.diagnostics ?? []);
    });
  }
}
