import { describe } from 'vitest';
import { ACL_CASES } from './acl.cases.js';
import { runGoldenCases } from './test-helpers.js';

describe('switch ACL stages (golden)', () => runGoldenCases(ACL_CASES));
