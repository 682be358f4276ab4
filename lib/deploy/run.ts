// The deploy and destroy flows, shared by the CLI and by the local stack (which deploys template.yml
// into its own FC API on every start): template → parameters → stack → code → prerequisite checks
// → plan → (unless a dry run) apply.
import type { Value } from './intrinsics';
import { type Clients, clientsFor, type Target } from './clients';
import { buildCode, type FunctionCode } from '../build/code';
import { planDeploy } from './deploy';
import { planDestroy } from './destroy';
import { applyPlan, changes, formatPlan, type Plan, summary } from './plan';
import { assertNoProblems, checkPrerequisites, type DeployerEndpoints, deployerEndpoints } from './prerequisites';
import { resolveParameters } from './parameters';
import { readTemplateFile, resolveStack, type StackSpec, templateParameters } from './template';

export interface StackOptions {
  readonly templatePath: string;
  readonly stackName: string;
  readonly target: Target;
  /** Parameter values, lowest precedence first (local stack defaults, a file, flags). */
  readonly parameterLayers: readonly Record<string, string>[];
  readonly roleArns: Readonly<Record<string, string>>;
  readonly endpoints?: Partial<DeployerEndpoints>;
  readonly dryRun: boolean;
  /** Where plan lines and progress go. */
  readonly out: (text: string) => void;
  /** Waits between retries of a step (tests make it instant). */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface DeployOptions extends StackOptions {
  /** Prebuilt code (tests); otherwise built now. */
  readonly code?: ReadonlyMap<string, FunctionCode>;
  /** Where the build goes (default .build/). */
  readonly buildDir?: string;
}

export interface Outcome {
  readonly plan: Plan;
  readonly stack: StackSpec;
  /** Steps run (0 for a dry run or no change). */
  readonly ran: number;
}

export async function loadStack(options: StackOptions): Promise<StackSpec> {
  const doc = await readTemplateFile(options.templatePath);
  const parameters: Record<string, Value> = resolveParameters(templateParameters(doc), ...options.parameterLayers);
  return resolveStack(doc, {
    stackName: options.stackName,
    accountId: options.target.accountId,
    region: options.target.region,
    parameters,
    roleArns: options.roleArns,
  });
}

export async function deployStack(options: DeployOptions, clients: Clients = clientsFor(options.target)): Promise<Outcome> {
  const stack = await loadStack(options);
  const code = options.code ?? (await buildCode({ outDir: options.buildDir }));
  const endpoints = deployerEndpoints(stack, options.endpoints);
  const managesRoles = stack.roles.some((r) => !options.roleArns[r.logicalId]);
  assertNoProblems(await checkPrerequisites(stack, clients, options.target.credentials, endpoints, { managesRoles }));
  const plan = await planDeploy({
    stack,
    code,
    clients,
    roleArns: options.roleArns,
    credentials: options.target.credentials,
    tablestoreEndpoint: endpoints.tablestore,
  });
  return finish(plan, stack, options, 'deploy');
}

export async function destroyStack(options: StackOptions & { deleteTables: boolean }, clients: Clients = clientsFor(options.target)): Promise<Outcome> {
  const stack = await loadStack(options);
  const endpoints = deployerEndpoints(stack, options.endpoints);
  const plan = await planDestroy({
    stack,
    clients,
    roleArns: options.roleArns,
    deleteTables: options.deleteTables,
    credentials: options.target.credentials,
    tablestoreEndpoint: endpoints.tablestore,
  });
  return finish(plan, stack, options, 'destroy');
}

async function finish(plan: Plan, stack: StackSpec, options: StackOptions, verb: 'deploy' | 'destroy'): Promise<Outcome> {
  const where = `${stack.service.name} in account ${stack.accountId}, ${stack.region}${options.target.fcEndpoint ? ` (${options.target.fcEndpoint})` : ''}`;
  options.out(`${verb} plan for ${where}:\n${formatPlan(plan)}\n`);
  if (changes(plan).length === 0) {
    options.out(`${verb}: no change\n`);
    return { plan, stack, ran: 0 };
  }
  if (options.dryRun) {
    options.out(`${verb} --dry-run: ${summary(plan)}; nothing was changed\n`);
    return { plan, stack, ran: 0 };
  }
  const ran = await applyPlan(plan, (step) => options.out(`  ${step.action} ${step.kind} ${step.name} ...\n`), options.sleep);
  options.out(`${verb}: done (${summary(plan)})\n`);
  return { plan, stack, ran };
}
