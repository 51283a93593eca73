import { describe } from 'vitest';
import { LB_CASES } from './lb.cases.js';
import { runGoldenCases } from './test-helpers.js';

describe('switch load balancing (golden)', () => runGoldenCases(LB_CASES));
