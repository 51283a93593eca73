// Simplification (OVN's expr_simplify): constant folding, and `!=` on an integer field becomes
// an OR of single-bit equalities, `f != v/m` ⇔ OR over bits b of m of `f[b] == !v[b]`, so that
// normalization only ever sees positive integer comparisons.
//
// Unchanged subtrees are returned as the same objects: annotation shares the expansions of
// predicates and prerequisites between matches, and normalization caches by identity.

import { andExpr, cmpExpr, type Expr, FALSE, orExpr, TRUE } from './core.js';

const memo = new WeakMap<Expr, Expr>();

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
    case 'or': {
      const known = memo.get(e);
      if (known) return known;
      const terms = e.terms.map(simplify);
      const same = terms.every((t, i) => t === e.terms[i] && t.kind !== 'bool');
      const out = same ? e : e.kind === 'and' ? andExpr(terms) : orExpr(terms);
      memo.set(e, out);
      return out;
    }
    default:
      return e;
  }
}
