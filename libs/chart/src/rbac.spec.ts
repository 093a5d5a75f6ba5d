import path from 'node:path';
import { kubeCalls } from './kube-calls';
import { RULES } from './rbac';

const root = path.resolve(import.meta.dirname, '../../..');

/** The rules as `verb group/resource` grants. */
const granted = new Set(
  RULES.flatMap((rule) =>
    rule.apiGroups.flatMap((group) =>
      rule.resources.flatMap((resource) => rule.verbs.map((verb) => `${verb} ${group}/${resource}`)),
    ),
  ),
);

describe("the chart's ClusterRole, against the calls cite's code makes", () => {
  const { calls, unresolved } = kubeCalls(root);
  const needed = new Map<string, string[]>();
  for (const call of calls)
    needed.set(`${call.verb} ${call.resource}`, [
      ...(needed.get(`${call.verb} ${call.resource}`) ?? []),
      `${call.file}:${call.line}`,
    ]);

  it('finds the calls (every call site resolved to a resource)', () => {
    expect(unresolved).toEqual([]);
    expect(needed.size).toBeGreaterThan(15);
  });

  it('grants every call it finds', () => {
    const missing = [...needed]
      .filter(([grant]) => !granted.has(grant))
      .map(([grant, sites]) => `${grant} (${sites.join(', ')})`);
    expect(missing).toEqual([]);
  });

  it('grants nothing no call needs', () => {
    expect([...granted].filter((grant) => !needed.has(grant)).sort()).toEqual([]);
  });
});
