// template.yml is deployed as it is: these check it against the code it deploys.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readTemplate } from '../../../lib/local/template';

const INTRINSICS = ['Ref', 'Sub', 'GetAtt'].map((name) => ({ tag: `!${name}`, resolve: (v: unknown) => ({ [name]: v }) }));

async function policyActions(): Promise<string[]> {
  const doc = parse(await readFile('template.yml', 'utf8'), { customTags: INTRINSICS as never }) as {
    Resources: Record<string, { Properties?: { Policies?: { Statement: { Action: string[] }[] }[] } }>;
  };
  return Object.values(doc.Resources).flatMap((r) => (r.Properties?.Policies ?? []).flatMap((p) => p.Statement.flatMap((s) => s.Action)));
}

describe('template.yml', () => {
  it('grants every Tablestore operation the adapter calls', async () => {
    const source = (await readFile('lib/store/tablestore.ts', 'utf8')) + (await readFile('lib/store/tablestore-schema.ts', 'utf8'));
    const calls = [...new Set([...source.matchAll(/client\.(\w+)\(/g)].map((m) => m[1]!))];
    expect(calls.length).toBeGreaterThanOrEqual(6);
    const actions = await policyActions();
    const missing = calls.map((c) => `ots:${c[0]!.toUpperCase()}${c.slice(1)}`).filter((a) => !actions.includes(a));
    expect(missing).toEqual([]);
  });

  it('names handlers that the functions export, with HTTP functions on the FC 2.0 signature', async () => {
    const specs = await readTemplate('template.yml');
    expect(specs.map((s) => s.name).sort()).toEqual(['access-log', 'http', 'storage-event', 'sweeper']);
    for (const spec of specs) {
      const module = (await import(`../../../functions/${spec.name}/index.ts`)) as Record<string, unknown>;
      expect(typeof module[spec.exportName], `${spec.name}: ${spec.exportName}`).toBe('function');
      const http = spec.triggers.some((t) => t.type === 'HTTP');
      expect((module[spec.exportName] as (...a: unknown[]) => unknown).length, spec.name).toBe(http ? 3 : 2);
    }
  });
});
