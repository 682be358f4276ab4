// The deploy, destroy and doctor flows, shared by the CLI and by the local stack (which deploys
// template.yml into its own FC API on every start): template → parameters → stack → code →
// preflight → plan → (unless a dry run) apply.
import { buildCode, type FunctionCode } from '../build/code';
import { type Clients, clientsFor, type Target } from './clients';
import { type Deployment, planDeploy } from './deploy';
import { fc3HttpAddress } from './fc3-plan';
import { type Platform, PLATFORM_NAMES } from './platform';
import { planDestroy } from './destroy';
import { OwnershipError } from './errors';
import { applyPlan, blocked, changes, formatPlan, type DeployPlan, summary } from './plan';
import { assertNoProblems, type DeployerEndpoints, deployerEndpoints, type Finding, formatFindings, preflight } from './preflight';
import { normalizeParameters, resolveParameters } from './parameters';
import { SlsAdmin } from '../sls/admin';
import { whoIsTold } from '../observability/notification';
import { type DeploySettings, deploySettings, observabilityOf } from './settings';
import { tablesAdmin } from './tables-step';
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
  /** --adopt: take over same-named roles and policies this stack did not make. */
  readonly adopt?: boolean;
  /** --allow-all-buckets: AllowList "*" is meant. */
  readonly allowAllBuckets?: boolean;
  /** Where plan lines and progress go. */
  readonly out: (text: string) => void;
  /** Waits between retries of a step (tests make it instant). */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface DeployOptions extends StackOptions {
  /** --platform: where the stack goes (default: where it runs, or FC 3.0 for a new stack). */
  readonly platform?: Platform;
  /** Prebuilt code (tests); otherwise built now. */
  readonly code?: ReadonlyMap<string, FunctionCode>;
  /** Where the build goes (default .build/). */
  readonly buildDir?: string;
}

export interface Outcome {
  readonly plan: DeployPlan;
  readonly stack: StackSpec;
  /** Steps run (0 for a dry run or no change). */
  readonly ran: number;
  readonly findings: readonly Finding[];
  /** The function zips a deploy built (or was given). */
  readonly code?: ReadonlyMap<string, FunctionCode>;
  /** Where a deploy put the stack. */
  readonly platform?: Platform;
}

export async function loadStack(options: StackOptions): Promise<StackSpec> {
  const doc = await readTemplateFile(options.templatePath);
  const merged = Object.assign({}, ...options.parameterLayers) as Record<string, string>;
  const { values, notes } = normalizeParameters(merged, { allowAllBuckets: options.allowAllBuckets ?? false });
  for (const note of notes) options.out(`note: ${note}\n`);
  return resolveStack(doc, {
    stackName: options.stackName,
    accountId: options.target.accountId,
    region: options.target.region,
    parameters: resolveParameters(templateParameters(doc), values),
    roleArns: options.roleArns,
  });
}

async function prepare(options: StackOptions & { platform?: Platform }, clients: Clients) {
  const stack = await loadStack(options);
  const settings = deploySettings(stack);
  const endpoints = deployerEndpoints(stack, settings, options.endpoints);
  const tables = tablesAdmin(settings, options.target.credentials, endpoints.tablestore);
  const managesRoles = stack.roles.some((r) => !options.roleArns[r.logicalId]);
  const findings = await preflight({
    stack,
    settings,
    clients,
    credentials: options.target.credentials,
    endpoints,
    tables,
    managesRoles,
    platform: options.platform,
  });
  return { stack, settings, endpoints, tables, findings };
}

export async function deployStack(options: DeployOptions, clients: Clients = clientsFor(options.target)): Promise<Outcome> {
  const { stack, settings, endpoints, tables, findings } = await prepare(options, clients);
  assertNoProblems(findings);
  for (const f of findings.filter((x) => x.status === 'warning')) options.out(`warning: ${f.check}: ${f.message}${f.fix ? ` (${f.fix})` : ''}\n`);
  const code = options.code ?? (await buildCode({ outDir: options.buildDir }));
  const functionLogs = logAdmin(endpoints, settings, options.target);
  const alertRecords = recordsAdmin(endpoints, settings, options.target);
  try {
    const plan = await planDeploy({
      alertRecords,
      stack,
      code,
      clients,
      roleArns: options.roleArns,
      adopt: options.adopt ?? false,
      tables,
      functionLogs,
      platform: options.platform,
    });
    const outcome = await finish(plan, stack, findings, options, 'deploy');
    options.out(`${whoIsTold(observabilityOf(stack))}\n`);
    if (outcome.ran > 0 || changes(plan).length === 0) options.out(await addresses(stack, plan, options.target, clients));
    return { ...outcome, code, platform: plan.platform?.platform };
  } finally {
    functionLogs.close();
    alertRecords.close();
  }
}

export async function destroyStack(options: StackOptions & { deleteTables: boolean }, clients: Clients = clientsFor(options.target)): Promise<Outcome> {
  const stack = await loadStack(options);
  const settings = deploySettings(stack);
  const endpoints = deployerEndpoints(stack, settings, options.endpoints);
  const tables = tablesAdmin(settings, options.target.credentials, endpoints.tablestore);
  const functionLogs = logAdmin(endpoints, settings, options.target);
  const alertRecords = recordsAdmin(endpoints, settings, options.target);
  try {
    const plan = await planDestroy({
      alertRecords,
      stack,
      clients,
      roleArns: options.roleArns,
      deleteTables: options.deleteTables,
      tables,
      functionLogs,
      functionLogstore: settings.functionLogs.logstore,
    });
    return await finish(plan, stack, [], options, 'destroy');
  } finally {
    functionLogs.close();
    alertRecords.close();
  }
}

function logAdmin(endpoints: DeployerEndpoints, settings: DeploySettings, target: Target): SlsAdmin {
  return new SlsAdmin({ endpoint: endpoints.sls, project: settings.functionLogs.project, ...target.credentials });
}

function recordsAdmin(endpoints: DeployerEndpoints, settings: DeploySettings, target: Target): SlsAdmin {
  return new SlsAdmin({ endpoint: endpoints.slsRecords, project: settings.functionLogs.project, ...target.credentials });
}

/** `thaw doctor`: every preflight finding, changing nothing. Resolves to whether there is a problem. */
export async function doctorStack(
  options: StackOptions,
  clients: Clients = clientsFor(options.target),
): Promise<{ findings: readonly Finding[]; ok: boolean }> {
  const { stack, findings } = await prepare(options, clients);
  options.out(`oss-thaw stack ${stack.stackName} in account ${stack.accountId}, ${stack.region}:\n${formatFindings(findings)}\n`);
  const problems = findings.filter((f) => f.status === 'problem').length;
  const warnings = findings.filter((f) => f.status === 'warning').length;
  options.out(`${problems} problem(s), ${warnings} warning(s)\n`);
  return { findings, ok: problems === 0 };
}

async function finish(
  plan: DeployPlan | Deployment,
  stack: StackSpec,
  findings: readonly Finding[],
  options: StackOptions,
  verb: 'deploy' | 'destroy',
): Promise<Outcome> {
  const choice = 'platform' in plan ? plan.platform : undefined;
  const platform = choice ? ` on ${PLATFORM_NAMES[choice.platform]} (${choice.reason})` : '';
  const where = `stack ${stack.stackName} in account ${stack.accountId}, ${stack.region}${options.target.fcEndpoint ? ` (${options.target.fcEndpoint})` : ''}${platform}`;
  options.out(`${verb} plan for ${where}:\n${formatPlan(plan)}\n`);
  const stopped = blocked(plan);
  if (stopped.length > 0) {
    throw new OwnershipError(`nothing was changed: ${stopped.map((s) => `${s.kind} ${s.name} ${s.reasons.join('; ')}`).join('; ')}`);
  }
  if (changes(plan).length === 0) {
    options.out(`${verb}: no change\n`);
    return { plan, stack, ran: 0, findings };
  }
  if (options.dryRun) {
    options.out(`${verb} --dry-run: ${summary(plan)}; nothing was changed\n`);
    return { plan, stack, ran: 0, findings };
  }
  const ran = await applyPlan(plan, (step) => options.out(`  ${step.action} ${step.kind} ${step.name} ...\n`), options.sleep);
  options.out(`${verb}: done (${summary(plan)})\n`);
  return { plan, stack, ran, findings };
}

/** Where the API answers, and what a browser does there. */
async function addresses(stack: StackSpec, plan: Deployment, target: Target, clients: Clients): Promise<string> {
  const http = stack.functions.find((f) => f.triggers.some((t) => t.type === 'HTTP'));
  if (!http || !plan.platform) return '';
  const host = target.fcEndpoint ?? `https://${stack.accountId}.${stack.region}.fc.aliyuncs.com`;
  const address =
    plan.platform.platform === 'fc3'
      ? await fc3HttpAddress(clients.fc3, stack, http)
      : `${host.replace(/\/+$/, '')}/2016-08-15/proxy/${http.service}/${http.name}/`;
  const lines = [`API: ${address ?? 'unknown (the HTTP trigger answered no address)'}`];
  const domain = stack.customDomains[0];
  if (domain) {
    lines.push(
      `API and dashboard: ${domain.protocol.includes('HTTPS') ? 'https' : 'http'}://${domain.domainName}/ (point a CNAME at ${stack.accountId}.${stack.region}.fc.aliyuncs.com)`,
    );
  } else {
    lines.push(
      'note: no CustomDomain: FC adds Content-Disposition: attachment on its default address, so a browser downloads the dashboard instead of showing it (the API works for curl and clients); set CustomDomain to serve it',
    );
  }
  return `${lines.join('\n')}\n`;
}
