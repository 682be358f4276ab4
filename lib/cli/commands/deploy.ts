// `thaw deploy`, `thaw destroy` and `thaw package`: flags and environment into the flows of
// lib/deploy. Output is the plan, then one line per step; errors are one paragraph.
import { createInterface } from 'node:readline/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ParameterError } from '../../deploy/errors';
import { defaultOutput, packageStack } from '../../deploy/package';
import { parameterFlags, readParametersFile } from '../../deploy/parameters';
import { deployStack, destroyStack, type StackOptions } from '../../deploy/run';
import { deployerCredentials } from '../../deploy/credentials';
import { deployerPolicy } from '../../deploy/deployer-policy';
import { type Platform, PLATFORMS } from '../../deploy/platform';
import { deploySettings } from '../../deploy/settings';
import { resolveTarget } from '../../deploy/target';
import { loadStack, doctorStack } from '../../deploy/run';
import { printable } from '../../operator/format';
import { command, type Values } from '../command';
import { UsageError } from '../exit-codes';
import { CREDENTIALS_HELP, TARGET_OPTIONS } from './target-options';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

function platformFlag(name: string, value: string | undefined): Platform | undefined {
  if (value === undefined) return undefined;
  if (!(PLATFORMS as readonly string[]).includes(value)) throw new UsageError(`--platform takes ${PLATFORMS.join(' or ')} (got "${value}")`, { command: name });
  return value as Platform;
}

const STACK_OPTIONS = {
  ...TARGET_OPTIONS,
  template: { type: 'string', value: 'FILE', default: join(ROOT, 'template.yml'), help: 'the template to deploy' },
  stack: { type: 'string', value: 'NAME', default: 'oss-thaw', help: 'stack name: the FC service and the prefix of every role' },
  parameters: { type: 'string', value: 'FILE', help: 'template parameters from a JSON or YAML file {Name: value}' },
  parameter: { type: 'string', value: 'Name=Value', multiple: true, default: [] as string[], help: 'one template parameter' },
  role: {
    type: 'string',
    value: 'LogicalId=ARN',
    multiple: true,
    default: [] as string[],
    help: "use this existing role instead of creating the template's role",
  },
  'oss-endpoint': { type: 'string', value: 'URL', help: "OSS endpoint the deployer checks buckets at (default: the public one of the functions' endpoint)" },
  'tablestore-endpoint': { type: 'string', value: 'URL', help: 'Tablestore endpoint the deployer makes the tables at' },
  'sls-endpoint': { type: 'string', value: 'URL', help: 'Log Service endpoint the deployer checks logstores at' },
  'dry-run': { type: 'boolean', default: false, help: 'print the plan and change nothing' },
  'allow-all-buckets': { type: 'boolean', default: false, help: 'AllowList "*" is meant: the roles may read and restore objects of every bucket' },
} as const;

async function stackOptions(name: string, values: Values<typeof STACK_OPTIONS> & { adopt?: boolean }, env: NodeJS.ProcessEnv): Promise<StackOptions> {
  const { target, local } = await resolveTarget(values, env);
  if (!/^[A-Za-z][A-Za-z0-9-]{0,40}$/.test(values.stack))
    throw new ParameterError(`--stack "${values.stack}" must be letters, digits and -, at most 41 characters (role names are <stack>-…)`);
  const roleArns: Record<string, string> = {};
  for (const r of values.role) {
    const eq = r.indexOf('=');
    if (eq <= 0 || !/^acs:ram::\d+:role\/[\w.-]+$/.test(r.slice(eq + 1)))
      throw new UsageError(`--role takes LogicalId=acs:ram::<uid>:role/<name> (got "${r}")`, { command: name });
    roleArns[r.slice(0, eq)] = r.slice(eq + 1);
  }
  return {
    templatePath: values.template,
    stackName: values.stack,
    target,
    parameterLayers: [local?.parameters ?? {}, values.parameters ? await readParametersFile(values.parameters) : {}, parameterFlags(values.parameter)],
    roleArns,
    endpoints: {
      ...(local?.endpoints ?? {}),
      ...(values['oss-endpoint'] ? { oss: values['oss-endpoint'] } : {}),
      ...(values['tablestore-endpoint'] ? { tablestore: values['tablestore-endpoint'] } : {}),
      ...(values['sls-endpoint'] ? { sls: values['sls-endpoint'] } : {}),
    },
    dryRun: values['dry-run'],
    adopt: values.adopt ?? false,
    allowAllBuckets: values['allow-all-buckets'],
    // Plan reasons carry what services answered: printed, never interpreted by the terminal.
    out: (text) => void process.stdout.write(printable(text, true)),
  };
}

export const deployCommand = command({
  name: 'deploy',
  summary: "create or update template.yml's roles, functions, triggers and tables in your account; a second run changes nothing",
  details: `${CREDENTIALS_HELP}\nRoles and policies of the stack's names that this stack did not make are never changed or deleted: pass --role to use one as it is, or --adopt.`,
  options: {
    ...STACK_OPTIONS,
    adopt: { type: 'boolean', default: false, help: 'take over same-named roles and policies this stack did not make' },
    platform: {
      type: 'string',
      value: 'fc2|fc3',
      help: 'Function Compute 2.0 or 3.0 (default: where the stack runs; FC 3.0 for a new one); the other platform moves the stack there',
    },
    'print-deployer-policy': { type: 'boolean', default: false, help: 'print the least-privilege RAM policy a deployer needs for this stack, and stop' },
    'build-dir': { type: 'string', value: 'DIR', help: 'where the bundles and zips go (default .build/)' },
  },
  async run({ values, env }) {
    const platform = platformFlag('deploy', values.platform);
    const options = await stackOptions('deploy', values, env);
    if (values['print-deployer-policy']) {
      const stack = await loadStack(options);
      const given = Object.values(options.roleArns);
      process.stdout.write(`${JSON.stringify(deployerPolicy(stack, deploySettings(stack), { givenRoles: given }), null, 2)}\n`);
      return;
    }
    await deployStack({ ...options, buildDir: values['build-dir'], ...(platform ? { platform } : {}) });
  },
});

export const doctorCommand = command({
  name: 'doctor',
  summary: 'check the account for this stack (read-only): EventBridge, real-time logs, Tablestore reach, runtime, logstores; each problem with its fix',
  details: CREDENTIALS_HELP,
  options: STACK_OPTIONS,
  async run({ values, env }) {
    const { ok } = await doctorStack(await stackOptions('doctor', values, env));
    return ok ? 0 : 1;
  },
});

export const destroyCommand = command({
  name: 'destroy',
  summary: 'remove what deploy made (never a role or policy the stack did not make); the tables stay unless --delete-tables',
  details: CREDENTIALS_HELP,
  options: {
    ...STACK_OPTIONS,
    yes: { type: 'boolean', default: false, help: 'do not ask (required without a terminal)' },
    'delete-tables': { type: 'boolean', default: false, help: 'also delete the tables: every record and budget is lost' },
  },
  async run({ values, env }) {
    const options = await stackOptions('destroy', values, env);
    if (!values.yes && !values['dry-run']) {
      // Show what would go, then ask; without a terminal there is no one to ask.
      await destroyStack({ ...options, dryRun: true, deleteTables: values['delete-tables'] });
      if (!process.stdin.isTTY) throw new UsageError('thaw destroy asks before deleting; pass --yes to run it without a terminal', { command: 'destroy' });
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      const answer = await rl.question(`Delete these from ${options.stackName}? Type the stack name to confirm: `);
      rl.close();
      if (answer.trim() !== options.stackName) {
        process.stdout.write('not confirmed; nothing was deleted\n');
        return;
      }
    }
    await destroyStack({ ...options, deleteTables: values['delete-tables'] });
  },
});

export const packageCommand = command({
  name: 'package',
  summary: 'upload the function zips to OSS and write a ROS template of native resources (oss:// code) for `aliyun ros CreateStack`',
  details: CREDENTIALS_HELP,
  options: {
    template: { type: 'string', value: 'FILE', default: join(ROOT, 'template.yml'), help: 'the template to package' },
    bucket: { type: 'string', value: 'BUCKET', help: 'bucket the zips go to (required)' },
    prefix: { type: 'string', value: 'PREFIX', default: 'oss-thaw/', help: 'key prefix of the zips' },
    platform: {
      type: 'string',
      value: 'fc2|fc3',
      help: 'Function Compute 3.0 (ALIYUN::FC3::*, the default, as thaw deploy for a new stack) or 2.0 (ALIYUN::FC::*)',
    },
    'oss-endpoint': { type: 'string', value: 'URL', help: 'OSS endpoint to upload through (THAW_OSS_ENDPOINT; default the public one of --region)' },
    region: { type: 'string', value: 'REGION', help: 'region (ALIBABA_CLOUD_REGION; default cn-hangzhou)' },
    // Relative to the folder thaw runs in: never inside the installed package.
    output: { type: 'string', value: 'FILE', help: `where the ROS template goes (default ${defaultOutput('.', 'fc3')}, or fc2 for --platform fc2)` },
    'build-dir': { type: 'string', value: 'DIR', help: 'where the bundles and zips go (default .build/)' },
  },
  async run({ values, env }) {
    if (!values.bucket) throw new UsageError('--bucket is required', { command: 'package' });
    const platform = platformFlag('package', values.platform);
    const region = values.region ?? env.ALIBABA_CLOUD_REGION ?? 'cn-hangzhou';
    await packageStack({
      templatePath: values.template,
      bucket: values.bucket,
      prefix: values.prefix,
      ossEndpoint: values['oss-endpoint'] ?? env.THAW_OSS_ENDPOINT ?? `https://oss-${region}.aliyuncs.com`,
      credentials: await deployerCredentials(),
      ...(values.output ? { output: values.output } : {}),
      ...(platform ? { platform } : {}),
      buildDir: values['build-dir'],
      out: (text) => void process.stdout.write(printable(text, true)),
    });
  },
});
