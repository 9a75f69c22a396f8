import { describe, expect, it } from 'vitest';
import { CHURN_DIMENSION_NAMES, CHURN_DIMENSIONS } from '../../lambdas/churn/features.ts';
import { loadQuery } from '../../lambdas/warehouse/sql.ts';

/** The `churn levels` block of a query file, from its begin marker to its end marker. */
function levelsBlock(query: string): string {
  const sql = loadQuery(query);
  const begin = sql.indexOf('-- churn levels: begin');
  const end = sql.indexOf('-- churn levels: end');
  expect(begin, query).toBeGreaterThan(0);
  expect(end, query).toBeGreaterThan(begin);
  return sql.slice(begin, end);
}

describe('the churn levels in SQL', () => {
  it('are the same text in the view that scores and in the query that trains', () => {
    expect(levelsBlock('marts/user_segments')).toBe(levelsBlock('churn/churn_training_cells'));
  });

  it('name a column per dimension and every level the model knows, and no other', () => {
    // Prepare
    const block = levelsBlock('churn/churn_training_cells');

    // Assess: each dimension's column, and the literal levels of the cases are the model's levels,
    // but value_tier's (the column itself) and recency's 2 and 3 (a cast of the day count; 0 and 1
    // are literals of other dimensions too).
    for (const dimension of CHURN_DIMENSION_NAMES) expect(block).toContain(`as ${dimension}_level`);
    const literals = new Set([...block.matchAll(/(?:then|else) '([^']+)'/g)].map((match) => match[1]));
    const known = new Set<string>(
      CHURN_DIMENSION_NAMES.filter((d) => d !== 'value_tier').flatMap((d) => [...CHURN_DIMENSIONS[d]]),
    );
    known.delete('2');
    known.delete('3');
    expect([...literals].sort()).toEqual([...known].sort());
  });
});
