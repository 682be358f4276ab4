// `thaw deploy`, `thaw destroy` and `thaw package`: flags and environment into the flows of run.ts
// and package.ts. Output is the plan, then one line per step; errors are one paragraph.
import { createInterface } from 'node:readline/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { UsageError } from '../cli';
import { credentialsFrom } from '../wiring';
import { ParameterError } from './errors';
import { defaultOutput, packageStack } from './package';
import { parameterFlags, readParametersFile } from './parameters';
import { deployStack, destroyStack, type StackOptions } from './run';
import { resolveTarget, TARGET_OPTIONS } from './target';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const STACK_OPTIONS = {
  ...TARGET_OPTIONS,
  template: { type: 'string', default: join(ROOT, 'template.yml') },
  stack: { type: 'string', default: 'oss-thaw' },
  parameters: { type: 'string' },
  parameter: { type: 'string', multiple: true, default: [] as string[] },
  role: { type: 'string', multiple: true, default: [] as string[] },
  'oss-endpoint': { type: 'string' },
  'tablestore-endpoint': { type: 'string' },
  'sls-endpoint': { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
  'build-dir': { type: 'string' },
} as const;

const out = (text: string) => process.stdout.write(text);

type StackValues = {
  [K in keyof typeof STACK_OPTIONS]?: (typeof STACK_OPTIONS)[K] extends { multiple: true }
    ? string[]
    : (typeof STACK_OPTIONS)[K] extends { type: 'boolean' }
      ? boolean
      : string;
};

async function stackOptions(values: StackValues, env: NodeJS.ProcessEnv): Promise<StackOptions> {
  const { target, local } = await resolveTarget(values, env);
  if (!/^[A-Za-z][A-Za-z0-9-]{0,40}$/.test(values.stack!))
    throw new ParameterError(`--stack "${values.stack}" must be letters, digits and -, at most 41 characters (role names are <stack>-…)`);
  const roleArns: Record<string, string> = {};
  for (const r of values.role ?? []) {
    const eq = r.indexOf('=');
    if (eq <= 0 || !/^acs:ram::\d+:role\/[\w.-]+$/.test(r.slice(eq + 1)))
      throw new ParameterError(`--role takes LogicalId=acs:ram::<uid>:role/<name> (got "${r}")`);
    roleArns[r.slice(0, eq)] = r.slice(eq + 1);
  }
  return {
    templatePath: values.template!,
    stackName: values.stack!,
    target,
    parameterLayers: [local?.parameters ?? {}, values.parameters ? await readParametersFile(values.parameters) : {}, parameterFlags(values.parameter ?? [])],
    roleArns,
    endpoints: {
      ...(local?.endpoints ?? {}),
      ...(values['oss-endpoint'] ? { oss: values['oss-endpoint'] } : {}),
      ...(values['tablestore-endpoint'] ? { tablestore: values['tablestore-endpoint'] } : {}),
      ...(values['sls-endpoint'] ? { sls: values['sls-endpoint'] } : {}),
    },
    dryRun: values['dry-run'] ?? false,
    out,
  };
}

/** `thaw deploy [--dry-run] [--endpoint URL --account-id ID --region R] [--parameters FILE] [--parameter K=V …] [--role Id=ARN …]` */
export async function deployCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { values } = parseArgs({ args: argv, strict: true, options: STACK_OPTIONS });
  await deployStack({ ...(await stackOptions(values, env)), buildDir: values['build-dir'] });
}

/** `thaw destroy [--yes] [--delete-tables] [--dry-run] …` */
export async function destroyCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: { ...STACK_OPTIONS, yes: { type: 'boolean', default: false }, 'delete-tables': { type: 'boolean', default: false } },
  });
  const options = await stackOptions(values, env);
  if (!values.yes && !values['dry-run']) {
    // Show what would go, then ask; without a terminal there is no one to ask.
    await destroyStack({ ...options, dryRun: true, deleteTables: values['delete-tables'] });
    if (!process.stdin.isTTY) throw new UsageError('thaw destroy asks before deleting; pass --yes to run it without a terminal');
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const answer = await rl.question(`Delete these from ${options.stackName}? Type the stack name to confirm: `);
    rl.close();
    if (answer.trim() !== options.stackName) {
      out('not confirmed; nothing was deleted\n');
      return;
    }
  }
  await destroyStack({ ...options, deleteTables: values['delete-tables'] });
}

/** `thaw package --bucket B [--prefix P] [--oss-endpoint URL] [--output FILE] [--omit-eventbridge]` */
export async function packageCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      template: { type: 'string', default: join(ROOT, 'template.yml') },
      bucket: { type: 'string' },
      prefix: { type: 'string', default: 'oss-thaw/' },
      'oss-endpoint': { type: 'string' },
      region: { type: 'string' },
      output: { type: 'string', default: defaultOutput(ROOT) },
      'omit-eventbridge': { type: 'boolean', default: false },
      'build-dir': { type: 'string' },
    },
  });
  if (!values.bucket) throw new UsageError('usage: thaw package --bucket B [--prefix P] [--oss-endpoint URL] [--output FILE]');
  const region = values.region ?? env.ALIBABA_CLOUD_REGION ?? 'cn-hangzhou';
  await packageStack({
    templatePath: values.template,
    bucket: values.bucket,
    prefix: values.prefix,
    ossEndpoint: values['oss-endpoint'] ?? env.THAW_OSS_ENDPOINT ?? `https://oss-${region}.aliyuncs.com`,
    credentials: credentialsFrom(undefined, env),
    output: values.output,
    omitEventBridge: values['omit-eventbridge'],
    buildDir: values['build-dir'],
    out,
  });
}
