// template.yml against the code it deploys. What to check is derived from the code, not from a
// list kept by hand: each function is bundled (esbuild's metafile names the source files in it),
// and those files are read for the SDK calls they make and the THAW_* variables they read.
//   - every RAM action the bundled code performs is granted to the runtime role, and nothing more;
//   - every env var a function reads is passed to it, and the template passes nothing unread;
//   - every handler resolves to an export with the right calling convention;
//   - every trigger the deploy would create passes the local FC API's copy of FC's trigger rules.
import { readFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Value } from '../../../lib/deploy/intrinsics';
import { resolveParameters } from '../../../lib/deploy/parameters';
import { triggerBody } from '../../../lib/deploy/fc2-resources';
import { readTemplateFile, resolveStack, serviceOf, type StackSpec, type TemplateDocument, templateParameters } from '../../../lib/deploy/template';
import { parseStorageEvents } from '../../../lib/events/storage-event';
import { type BuiltFunction, buildFunctions } from '../../../lib/build/bundle';
import { validateTrigger } from '../../../lib/emulators/fc/trigger-config';
import { DEFAULT_THRESHOLDS, THRESHOLD_PARAMETERS, thresholdsOf } from '../../../lib/observability/settings';
import { docTable } from '../../support/markdown';

// SDK calls → the RAM actions that authorise them (OSS RAM policy reference: HeadObject is
// oss:GetObject, and with a versionId oss:GetObjectVersion; RestoreObject with a versionId needs
// oss:RestoreObjectVersion. Log Service: GetCursor/GetCursorTime/PullLogs are log:GetCursorOrData).
// A call missing here fails the test: map it, then grant it.
const OSS_ACTIONS: Record<string, string[]> = {
  head: ['oss:GetObject', 'oss:GetObjectVersion'],
  restore: ['oss:RestoreObject', 'oss:RestoreObjectVersion'],
  get: ['oss:GetObject', 'oss:GetObjectVersion'],
};
const SLS_ACTIONS: Record<string, string> = {
  ListShards: 'log:ListShards',
  GetCursor: 'log:GetCursorOrData',
  GetCursorTime: 'log:GetCursorOrData',
  PullLogs: 'log:GetCursorOrData',
};
// No exception for ots:CreateTable: thaw deploy makes the tables with the deployer's credentials
// and the functions only check them (lib/store/tables.ts), so a bundle that could create a table
// fails here as "performed but not granted".

const PARAMETERS = {
  AllowList: 'archive-a/,archive-b/logs/',
  ApiTokenSha256: 'a'.repeat(64),
  TablestoreInstance: 'thaw-inst',
  TablestoreEndpoint: 'https://thaw-inst.cn-hangzhou.ots-internal.aliyuncs.com',
  AccessLogProject: 'oss-log-1234567890-cn-hangzhou',
  TriggerLogLogstore: 'trigger-log',
  FunctionLogProject: 'thaw-logs',
  FunctionLogstore: 'functions',
  WatchedBucket: 'archive-a',
};

let outDir: string;
let built: BuiltFunction[];
let stack: StackSpec;
let template: TemplateDocument;
const sources = new Map<string, string>();

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'thaw-template-'));
  built = await buildFunctions({ outDir, quiet: true });
  for (const b of built) for (const input of b.inputs) if (!sources.has(input)) sources.set(input, await readFile(input, 'utf8'));
  const doc = await readTemplateFile('template.yml');
  template = doc;
  stack = resolveStack(doc, {
    stackName: 'thaw-test',
    accountId: '1234567890',
    region: 'cn-hangzhou',
    parameters: resolveParameters(templateParameters(doc), PARAMETERS),
  });
}, 120_000);
afterAll(async () => {
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

/** Our own source files in a function's bundle (not node_modules). */
function ownSources(fn: string): [string, string][] {
  const b = built.find((x) => x.name === fn)!;
  return b.inputs.filter((i) => !i.includes('node_modules')).map((i) => [i, sources.get(i)!]);
}

function actionsUsedBy(fn: string): Set<string> {
  const used = new Set<string>();
  for (const [file, text] of ownSources(fn)) {
    if (/from 'tablestore'/.test(text)) {
      for (const m of text.matchAll(/\bclient\.(\w+)\(/g)) used.add(`ots:${m[1]![0]!.toUpperCase()}${m[1]!.slice(1)}`);
    }
    if (/from 'ali-oss'/.test(text)) {
      for (const m of text.matchAll(/\bclient(?:\([^)]*\))?\.(\w+)\(/g)) {
        const actions = OSS_ACTIONS[m[1]!];
        if (!actions) throw new Error(`${file} calls ali-oss ${m[1]}(): add the RAM actions it needs to OSS_ACTIONS`);
        for (const a of actions) used.add(a);
      }
    }
    if (file.endsWith('lib/sls/reader.ts')) {
      for (const m of text.matchAll(/(?:call|withRetry)\(\s*'(\w+)'/g)) {
        const action = SLS_ACTIONS[m[1]!];
        if (!action) throw new Error(`${file} calls Log Service ${m[1]}: add its RAM action to SLS_ACTIONS`);
        used.add(action);
      }
    }
  }
  return used;
}

/** The statements of the role a function runs with (its service's Role). */
function roleStatements(fn: string): { Action: string[]; Resource: string[] }[] {
  const f = stack.functions.find((x) => x.name === fn)!;
  const arn = serviceOf(stack, f).role;
  const role = stack.roles.find((r) => arn.endsWith(`/${r.roleName}`))!;
  expect(role, `the Role of ${fn}'s service is one of the template roles`).toBeDefined();
  return role.policies.flatMap((p) => (p.policyDocument.Statement as Value[]).map((s) => s as unknown as { Action: string[]; Resource: string[] }));
}

describe("template.yml: the functions' roles", () => {
  it('run each function in a service of its own, with a role of its own', () => {
    const roles = stack.functions.map((f) => serviceOf(stack, f).role);
    expect(new Set(roles).size).toBe(stack.functions.length);
    expect(stack.services.map((s) => s.functions.length)).toEqual(stack.services.map(() => 1));
  });

  it.each(['http', 'access-log', 'storage-event', 'sweeper'])('grant %s every action it performs, and none that it does not', (fn) => {
    const used = actionsUsedBy(fn);
    // FC writes the function's log lines to its service's LogConfig with the service role.
    const spec = stack.functions.find((f) => f.name === fn)!;
    const platform = serviceOf(stack, spec).logConfig ? ['log:PostLogStoreLogs'] : [];
    // FC 3.0 delivers a failed asynchronous event to the on-failure destination with the function's role.
    if (spec.fc3.asyncInvokeConfig?.onFailure) platform.push('fc:InvokeFunction');
    const granted = new Set(roleStatements(fn).flatMap((s) => s.Action));
    const required = new Set([...used, ...platform]);
    expect([...required].filter((a) => !granted.has(a)).sort(), 'performed but not granted').toEqual([]);
    expect([...granted].filter((a) => !required.has(a)).sort(), 'granted but not performed').toEqual([]);
  });

  it('lets only the access-log function read the access log: the internet-facing http function reads no logs', () => {
    const reads = (fn: string) => roleStatements(fn).some((s) => s.Action.some((a) => a === 'log:GetCursorOrData'));
    expect(reads('access-log')).toBe(true);
    expect(reads('http')).toBe(false);
    expect(reads('sweeper')).toBe(false);
    expect(reads('storage-event')).toBe(false);
  });

  it.each(['http', 'access-log', 'storage-event', 'sweeper'])(
    'scope %s to the allow-listed objects, the logstores and the tables by exact name, the instance in lower case',
    (fn) => {
      const statements = roleStatements(fn);
      const resourcesOf = (prefix: string) => statements.filter((s) => s.Action.every((a) => a.startsWith(prefix))).flatMap((s) => s.Resource);
      expect(resourcesOf('oss:')).toEqual(['acs:oss:*:*:archive-a/*', 'acs:oss:*:*:archive-b/logs/*']);
      expect(resourcesOf('log:').sort()).toEqual(
        [
          ...(fn === 'access-log' ? ['acs:log:cn-hangzhou:1234567890:project/oss-log-1234567890-cn-hangzhou/logstore/oss-log-store'] : []),
          'acs:log:cn-hangzhou:1234567890:project/thaw-logs/logstore/functions',
        ].sort(),
      );
      const tables = [
        'thaw_restores',
        'thaw_restores_counters',
        'thaw_restores_due',
        'thaw_restores_by_key',
        'thaw_restores_by_updated',
        'thaw_restores_by_eta',
      ];
      const rows = statements.find((s) => s.Action.includes('ots:PutRow'))!;
      expect(rows.Resource).toEqual(tables.map((t) => `acs:ots:cn-hangzhou:1234567890:instance/thaw-inst/table/${t}`));
      const listTable = statements.find((s) => s.Action.includes('ots:ListTable'))!;
      expect(listTable.Action).toEqual(['ots:ListTable']);
      expect(listTable.Resource).toEqual(['acs:ots:cn-hangzhou:1234567890:instance/thaw-inst/table/*']);
      for (const r of statements.flatMap((s) => s.Resource)) expect(r).not.toMatch(/^acs:oss:\*:\*:\*$|project\/\*|instance\/\*$|[A-Z]/);
    },
  );

  it('grants every bucket only when AllowAllBuckets says so', () => {
    const doc = { ...template };
    const all = resolveStack(doc, {
      stackName: 'thaw-test',
      accountId: '1234567890',
      region: 'cn-hangzhou',
      parameters: resolveParameters(templateParameters(doc), { ...PARAMETERS, AllowList: '', AllowAllBuckets: 'true' }),
    });
    const fn = all.functions.find((f) => f.name === 'http')!;
    const role = all.roles.find((r) => serviceOf(all, fn).role.endsWith(`/${r.roleName}`))!;
    const oss = role.policies
      .flatMap((p) => p.policyDocument.Statement as unknown as { Action: string[]; Resource: string[] }[])
      .find((s) => s.Action.includes('oss:GetObject'))!;
    expect(oss.Resource).toEqual(['acs:oss:*:*:*']);
    expect(fn.environment.THAW_ALLOW).toBe('*');
  });

  it('grants no object at all for an empty AllowList (joined and prefixed, it would read acs:oss:*:*:*)', () => {
    const none = resolveStack(template, {
      stackName: 'thaw-test',
      accountId: '1234567890',
      region: 'cn-hangzhou',
      parameters: resolveParameters(templateParameters(template), { ...PARAMETERS, AllowList: '' }),
    });
    for (const role of none.roles) {
      const actions = role.policies.flatMap((p) => (p.policyDocument.Statement as unknown as { Action: string[] }[]).flatMap((s) => s.Action));
      expect(
        actions.filter((a) => a.startsWith('oss:')),
        role.roleName,
      ).toEqual([]);
    }
  });

  it.each([
    ['a bare bucket (it would match every bucket starting with it)', 'archive-a'],
    ['a bare star', '*'],
    ['an upper-case bucket', 'Archive/'],
  ])('refuses an AllowList of %s', (_label, allow) => {
    expect(() => resolveParameters(templateParameters(template), { ...PARAMETERS, AllowList: allow })).toThrow(
      /AllowList: .* does not match its AllowedPattern/,
    );
  });
});

describe('template.yml: the functions', () => {
  it('deploys every function folder, each from its own build', () => {
    expect(stack.functions.map((f) => f.name).sort()).toEqual(built.map((b) => b.name));
    for (const f of stack.functions) expect(f.codeUri).toBe(`./.build/${f.name}`);
  });

  it('names handlers that the functions export, with HTTP functions on the FC 2.0 signature', async () => {
    for (const fn of stack.functions) {
      const module = (await import(`../../../functions/${fn.name}/index.ts`)) as Record<string, unknown>;
      const [file, exportName] = fn.handler.split('.');
      expect(file, fn.name).toBe('index');
      expect(typeof module[exportName!], `${fn.name}: ${fn.handler}`).toBe('function');
      const http = fn.triggers.some((t) => t.type === 'HTTP');
      expect((module[exportName!] as (...a: unknown[]) => unknown).length, fn.name).toBe(http ? 3 : 2);
    }
  });

  it('passes every THAW_* variable a function reads, and none it does not', () => {
    for (const fn of stack.functions) {
      const read = new Set(ownSources(fn.name).flatMap(([, text]) => [...text.matchAll(/'(THAW_[A-Z0-9_]+)'/g)].map((m) => m[1]!)));
      expect(read.size, fn.name).toBeGreaterThan(10);
      const passed = Object.keys(fn.environment).filter((k) => k.startsWith('THAW_'));
      expect([...read].filter((v) => !passed.includes(v)).sort(), `${fn.name} reads but is not passed`).toEqual([]);
      expect(passed.filter((v) => !read.has(v)).sort(), `${fn.name} is passed but never reads`).toEqual([]);
    }
  });
});

describe('template.yml: the triggers', () => {
  const bodies = () => stack.functions.flatMap((fn) => fn.triggers.map((t) => ({ fn, trigger: t, body: triggerBody(stack, fn, t) })));

  it('all pass the trigger rules the local FC API holds from FC documentation', () => {
    const types = bodies().map(({ body }) => {
      expect(() => validateTrigger(body), body.triggerName).not.toThrow();
      return body.triggerType;
    });
    expect(types.sort()).toEqual(['eventbridge', 'http', 'log', 'oss', 'timer']);
  });

  it('subscribes FinishRestore through EventBridge, and named events with a filter through the OSS trigger', () => {
    const oss = bodies().find((b) => b.body.triggerType === 'oss')!.body;
    const events = oss.triggerConfig.events as string[];
    expect(events).not.toContain('oss:ObjectRestore:FinishRestore');
    expect(events.filter((e) => e.endsWith('*'))).toEqual(['oss:ObjectCreated:*']);
    expect(oss.triggerConfig.filter).toEqual({ key: { prefix: '', suffix: '' } });
    expect(oss.sourceArn).toBe('acs:oss:cn-hangzhou:1234567890:archive-a');
    const eb = bodies().find((b) => b.body.triggerType === 'eventbridge')!;
    expect(JSON.parse(String(eb.body.triggerConfig.eventRuleFilterPattern))).toEqual({
      source: ['acs.oss'],
      type: ['oss:ObjectRestore:FinishRestore'],
      subject: [{ prefix: 'acs:oss:cn-hangzhou:1234567890:archive-a/' }],
    });
    expect(eb.fn.name).toBe(bodies().find((b) => b.body.triggerType === 'oss')!.fn.name);
  });

  it('sends only events the storage-event function acts on (none it would ignore)', () => {
    const oss = bodies().find((b) => b.body.triggerType === 'oss')!.body;
    for (const name of oss.triggerConfig.events as string[]) {
      const eventName = name.replace(/^oss:/, '').replace(/:\*$/, ':PutObject');
      const parsed = parseStorageEvents({
        events: [
          {
            eventName,
            eventSource: 'acs:oss',
            eventTime: '2026-01-01T00:00:00.000Z',
            region: 'cn-hangzhou',
            oss: { bucket: { name: 'archive-a' }, object: { key: 'k', size: 1 } },
          },
        ],
      });
      expect(parsed.ignored, name).toEqual([]);
      expect(parsed.events.length, name).toBe(1);
    }
  });

  it('gives the OSS and Log triggers an invocation role trusted by that service and allowed to invoke that function; EventBridge none', () => {
    const principal: Record<string, string> = { oss: 'oss.aliyuncs.com', log: 'log.aliyuncs.com' };
    for (const { fn, body } of bodies()) {
      // EventBridge invokes through its service-linked role (AliyunServiceRoleForEventBridgeSendToFC).
      if (body.triggerType === 'http' || body.triggerType === 'timer' || body.triggerType === 'eventbridge') {
        expect(body.invocationRole, body.triggerName).toBeUndefined();
        continue;
      }
      const role = stack.roles.find((r) => body.invocationRole === `acs:ram::1234567890:role/${r.roleName}`)!;
      expect(role, body.triggerName).toBeDefined();
      expect(JSON.stringify(role.assumeRolePolicyDocument)).toContain(`"Service":["${principal[body.triggerType]}"]`);
      const invoke = role.policies
        .flatMap((p) => p.policyDocument.Statement as unknown as { Action: string[]; Resource: string[] }[])
        .find((s) => s.Action.includes('fc:InvokeFunction'))!;
      // FC 2.0's ARN (service, any qualifier) and FC 3.0's (the function alone).
      expect(invoke.Resource).toEqual([
        `acs:fc:cn-hangzhou:1234567890:services/${fn.service}*/functions/${fn.name}`,
        `acs:fc:cn-hangzhou:1234567890:functions/${fn.fc3.name}`,
      ]);
    }
  });

  it('lets a function invoke exactly the FC 3.0 function its failed asynchronous events go to', () => {
    for (const fn of stack.functions) {
      const to = fn.fc3.asyncInvokeConfig?.onFailure;
      const invoke = roleStatements(fn.name).filter((s) => s.Action.includes('fc:InvokeFunction'));
      if (!to) {
        expect(invoke, fn.name).toEqual([]);
        continue;
      }
      const target = stack.functions.find((f) => f.name === to)!;
      expect(invoke.flatMap((s) => s.Resource)).toEqual([`acs:fc:cn-hangzhou:1234567890:functions/${target.fc3.name}`]);
    }
    // The storage-event function's events are the ones OSS and EventBridge deliver asynchronously.
    expect(stack.functions.find((f) => f.name === 'storage-event')!.fc3.asyncInvokeConfig?.onFailure).toBe('sweeper');
  });

  it('keeps its own logs: every service has the LogConfig of the parameters', () => {
    for (const service of stack.services) expect(service.logConfig, service.name).toEqual({ project: 'thaw-logs', logstore: 'functions' });
  });
});

describe('template.yml: the alerts', () => {
  it('declares a parameter for every threshold, whose default is the one the code falls back to', () => {
    const parameters = template.Parameters as Record<string, { Type?: string; Default?: unknown }>;
    for (const [field, name] of Object.entries(THRESHOLD_PARAMETERS)) {
      expect(parameters[name], name).toBeDefined();
      // The lag is given in minutes in the template and kept in milliseconds by the code.
      const fallback = DEFAULT_THRESHOLDS[field as keyof typeof DEFAULT_THRESHOLDS];
      expect(Number(parameters[name]!.Default) * (field === 'accessLogLagMs' ? 60_000 : 1), name).toBe(fallback);
    }
    // And an empty parameter file gives the same thresholds as the template's defaults.
    const defaults = Object.fromEntries(Object.values(THRESHOLD_PARAMETERS).map((name) => [name, String(parameters[name]!.Default)]));
    expect(thresholdsOf(defaults)).toEqual(thresholdsOf({}));
  });
});

describe('docs/observability.md: the alert parameters', () => {
  it('lists each Alert* parameter of the template with its default', () => {
    const parameters = template.Parameters as Record<string, { Default?: unknown }>;
    const rows = docTable('docs/observability.md', '## Deploying them', 'parameter');
    const documented = new Map<string, string>();
    for (const [names = '', defaults = ''] of rows) {
      const ns = [...names.matchAll(/`(\w+)`/g)].map((m) => m[1]!);
      const ds = defaults.split('/').map((d) => d.replace(/`/g, '').trim());
      for (const [i, n] of ns.entries()) documented.set(n, ds[i] ?? '');
    }
    const alertParameters = Object.keys(parameters).filter((n) => n.startsWith('Alert'));
    expect([...documented.keys()].sort()).toEqual(alertParameters.sort());
    for (const name of alertParameters) {
      const d = parameters[name]!.Default;
      expect(documented.get(name), name).toBe(d === undefined || d === '' ? '(empty)' : String(d));
    }
  });
});
