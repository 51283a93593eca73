// Simplification (OVN's expr_simplify): constant folding, and `!=` on an integer field becomes
// an OR of single-bit equalities, `f != v/m` ⇔ OR over bits b of m of `f[b] == !v[b]`, so that
// normalization only ever sees positive integer comparisons.

import { andExpr, cmpExpr, type Expr, FALSE, orExpr, TRUE } from './core.js';

export function simplify(e: Expr): Expr {
  switch (e.kind) {
    case 'cmp': {
      if (e.mask === 0n) return e.eq ? TRUE : FALSE;
      if (e.eq) return e;
      const bits: Expr[] = [];
      for (let m = e.mask; m !== 0n; m &= m - 1n) {
        const bit = m & -m;
        bits.push(cmpExpr(e.field, ~e.value & bit, bit));
      }
      return orExpr(bits);
    }
    case 'and':
      return andExpr(e.terms.map(simplify));
    case 'or':
      return orExpr(e.terms.map(simplify));
    default:
      return e;
  }
}
