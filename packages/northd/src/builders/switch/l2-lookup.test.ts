import { describe } from 'vitest';
import { L2_LOOKUP_CASES } from './l2-lookup.cases.js';
import { runGoldenCases } from './test-helpers.js';

describe('switch L2 lookup and MAC learning (golden)', () => runGoldenCases(L2_LOOKUP_CASES));
