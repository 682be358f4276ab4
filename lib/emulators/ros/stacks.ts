// Stacks and what happens to them, as ROS documents it (GetStack Status, ListStackEvents):
//   CreateStack  CREATE_IN_PROGRESS → CREATE_COMPLETE, or CREATE_FAILED (StatusReason names the
//                resource and the cloud's answer) → with rollback (DisableRollback false, the
//                default) CREATE_ROLLBACK_IN_PROGRESS → CREATE_ROLLBACK_COMPLETE | CREATE_ROLLBACK_FAILED,
//                the resources made so far deleted in reverse order
//   UpdateStack  UPDATE_IN_PROGRESS → UPDATE_COMPLETE | UPDATE_FAILED (an update's rollback is not
//                emulated: the stack stays UPDATE_FAILED)
//   DeleteStack  DELETE_IN_PROGRESS → DELETE_COMPLETE (then GetStack answers StackNotFound;
//                unconfirmed) | DELETE_FAILED; resources deleted in reverse dependency order
// Resources are made one at a time in dependency order (ROS may run independent ones in parallel:
// Parallelism); each step is an event. Which of CREATE_ROLLBACK_* and ROLLBACK_* a failed create
// reports is unconfirmed: the status list describes CREATE_ROLLBACK_* for exactly this case.
// Every template and parameter check happens before the stack exists (StackValidationFailed).
// A resource with DeletionPolicy Retain is left in the cloud whenever the stack would delete it:
// DeleteStack, and an UpdateStack that removes it (ROS "Remove a resource from a stack"); a failed
// create's rollback keeps it too (CloudFormation's Retain, which ROS's follows: unconfirmed for ROS).
// Its event says DELETE_COMPLETE with the reason "retained" (wording unconfirmed).
import { randomUUID } from 'node:crypto';
import type { EmulatorClock as Clock } from '../shared/clock';
import type { EmulatorLog } from '../shared/log';
import { RosError, rosErrors, TemplateInvalid } from './errors';
import type { CloudContext, CloudEndpoints, Properties } from './resources/handler';
import { HANDLERS } from './resources/index';
import { type Json, parseTemplate } from './template/document';
import { evaluate } from './template/intrinsics';
import { MASKED, MAX_PARAMETERS } from './template/parameters';
import { type MadeResource, planScope, planStack, resolveProperties, type StackPlan } from './template/plan';
import { RESOURCE_TYPES } from './template/resource-types';

/** CreateStack: "A maximum of 200 stacks can be created within an Alibaba Cloud account." */
export const MAX_STACKS = 200;
/** Events kept per stack, newest first (a bound of ours). */
const MAX_EVENTS = 2000;
/** StackName: up to 255 letters, digits, "-" and "_", starting with a letter or digit (CreateStack). */
const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/;

export type Credentials = CloudContext['credentials'];

interface ResourceState {
  readonly id: string;
  readonly type: string;
  status: string;
  statusReason: string;
  made?: MadeResource;
  props?: Properties;
  /** The template's DeletionPolicy for it, as of the last create or update. */
  deletionPolicy?: string;
  createTime: string;
  updateTime: string;
}

export interface StackEvent {
  EventId: string;
  StackId: string;
  StackName: string;
  LogicalResourceId: string;
  PhysicalResourceId: string;
  ResourceType: string;
  Status: string;
  StatusReason: string;
  CreateTime: string;
}

export interface Stack {
  readonly id: string;
  readonly name: string;
  status: string;
  statusReason: string;
  readonly createTime: string;
  updateTime?: string;
  disableRollback: boolean;
  timeoutInMinutes: number;
  plan: StackPlan;
  resources: Map<string, ResourceState>;
  events: StackEvent[];
  outputs: { OutputKey: string; OutputValue: Json; Description?: string }[];
  deleted: boolean;
}

export interface StackRequest {
  readonly templateBody: string;
  readonly parameters: ReadonlyMap<string, string>;
  readonly disableRollback: boolean;
  readonly timeoutInMinutes: number;
  readonly credentials: Credentials;
}

export interface StackStoreOptions {
  readonly accountId: string;
  readonly region: string;
  readonly endpoints: CloudEndpoints;
  readonly clock: Clock;
  readonly log: EmulatorLog;
}

const IN_PROGRESS = /_IN_PROGRESS$/;

export class StackStore {
  private readonly stacks = new Map<string, Stack>();
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly options: StackStoreOptions) {}

  /** ValidateTemplate: the template parsed and its parameters and resources checked as far as they can be without values. */
  validate(templateBody: string): {
    description?: string;
    parameters: Record<string, Json>[];
    resourceTypes: string[];
    outputs: { OutputKey: string; Description?: string }[];
  } {
    const template = guard(() => parseTemplate(templateBody));
    return {
      ...(template.Description ? { description: template.Description } : {}),
      parameters: Object.entries(template.Parameters).map(([name, def]) => ({ ParameterKey: name, ...def })),
      resourceTypes: [...new Set(Object.values(template.Resources).map((r) => r.Type))],
      outputs: Object.entries(template.Outputs).map(([name, o]) => ({ OutputKey: name, ...(o.Description ? { Description: o.Description } : {}) })),
    };
  }

  create(name: string, request: StackRequest): Stack {
    if (!STACK_NAME.test(name)) throw rosErrors.invalidParameter('StackName', 'up to 255 letters, digits, "-" and "_", starting with a letter or digit');
    if ([...this.stacks.values()].some((s) => !s.deleted && s.name === name)) throw rosErrors.stackExists(name);
    if ([...this.stacks.values()].filter((s) => !s.deleted).length >= MAX_STACKS) throw rosErrors.quota('stacks in an account', MAX_STACKS);
    const id = randomUUID();
    const plan = this.plan(request, name, id);
    const now = this.now();
    const stack: Stack = {
      id,
      name,
      status: 'CREATE_IN_PROGRESS',
      statusReason: 'Stack CREATE started',
      createTime: now,
      disableRollback: request.disableRollback,
      timeoutInMinutes: request.timeoutInMinutes,
      plan,
      resources: new Map(),
      events: [],
      outputs: [],
      deleted: false,
    };
    this.stacks.set(id, stack);
    this.event(stack, stack.name, '', 'ALIYUN::ROS::Stack', stack.status, stack.statusReason);
    this.run(() => this.runCreate(stack, request.credentials));
    return stack;
  }

  update(id: string, request: StackRequest & { usePreviousParameters: boolean }): Stack {
    const stack = this.stable(id);
    const given = new Map(request.usePreviousParameters ? [...stack.plan.parameters].map(([k, p]) => [k, p.text] as const) : []);
    for (const [k, v] of request.parameters) given.set(k, v);
    const plan = this.plan({ ...request, parameters: given }, stack.name, stack.id);
    this.transition(stack, 'UPDATE_IN_PROGRESS', 'Stack UPDATE started');
    stack.disableRollback = request.disableRollback;
    this.run(() => this.runUpdate(stack, plan, request.credentials));
    return stack;
  }

  delete(id: string, credentials: Credentials): void {
    const stack = this.stable(id);
    this.transition(stack, 'DELETE_IN_PROGRESS', 'Stack DELETE started');
    this.run(async () => {
      try {
        await this.deleteResources(stack, credentials, 'DELETE');
        this.transition(stack, 'DELETE_COMPLETE', 'Stack DELETE completed successfully');
        stack.deleted = true;
      } catch (err) {
        this.transition(stack, 'DELETE_FAILED', reason('DELETE', err));
      }
    });
  }

  get(id: string): Stack {
    const stack = this.stacks.get(id);
    if (!stack || stack.deleted) throw rosErrors.stackNotFound(id);
    return stack;
  }

  list(): Stack[] {
    return [...this.stacks.values()].filter((s) => !s.deleted);
  }

  /** The stack's parameters as GetStack lists them: NoEcho values masked, pseudo parameters included. */
  parametersOf(stack: Stack): { ParameterKey: string; ParameterValue: string }[] {
    return [
      ...[...stack.plan.parameters.values()].map((p) => ({ ParameterKey: p.name, ParameterValue: p.noEcho ? MASKED : p.text })),
      ...Object.entries(stack.plan.pseudo).map(([k, v]) => ({ ParameterKey: k, ParameterValue: v })),
    ];
  }

  resourcesOf(stack: Stack): ResourceState[] {
    return [...stack.resources.values()];
  }

  /** Resolves once every operation started so far has ended (tests, close). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private plan(request: StackRequest, name: string, id: string): StackPlan {
    if (request.parameters.size > MAX_PARAMETERS) throw rosErrors.quota('parameters', MAX_PARAMETERS);
    const pseudo = {
      'ALIYUN::StackName': name,
      'ALIYUN::StackId': id,
      'ALIYUN::Region': this.options.region,
      'ALIYUN::AccountId': this.options.accountId,
      'ALIYUN::TenantId': this.options.accountId,
      'ALIYUN::ResourceGroupId': '',
    };
    return guard(() => planStack(parseTemplate(request.templateBody), request.parameters, pseudo, RESOURCE_TYPES));
  }

  private stable(id: string): Stack {
    const stack = this.get(id);
    if (IN_PROGRESS.test(stack.status)) throw rosErrors.stackNotStable(id, stack.status);
    return stack;
  }

  private context(stack: Stack, credentials: Credentials): CloudContext {
    return { credentials, accountId: this.options.accountId, region: this.options.region, stackName: stack.name, endpoints: this.options.endpoints };
  }

  private async runCreate(stack: Stack, credentials: Credentials): Promise<void> {
    const ctx = this.context(stack, credentials);
    try {
      for (const id of stack.plan.order) await this.createResource(stack, stack.plan, id, ctx);
      stack.outputs = this.outputs(stack);
      this.transition(stack, 'CREATE_COMPLETE', 'Stack CREATE completed successfully');
    } catch (err) {
      this.transition(stack, 'CREATE_FAILED', reason('CREATE', err));
      if (stack.disableRollback) return;
      this.transition(stack, 'CREATE_ROLLBACK_IN_PROGRESS', 'Stack ROLLBACK started');
      try {
        await this.deleteResources(stack, credentials, 'DELETE');
        this.transition(stack, 'CREATE_ROLLBACK_COMPLETE', 'Stack ROLLBACK completed successfully');
      } catch (rollbackErr) {
        this.transition(stack, 'CREATE_ROLLBACK_FAILED', reason('ROLLBACK', rollbackErr));
      }
    }
  }

  private async runUpdate(stack: Stack, plan: StackPlan, credentials: Credentials): Promise<void> {
    const ctx = this.context(stack, credentials);
    const previous = stack.plan;
    try {
      for (const id of plan.order) {
        const current = stack.resources.get(id);
        const planned = plan.resources.get(id)!;
        if (!current?.made) {
          await this.createResource(stack, plan, id, ctx);
          continue;
        }
        if (current.type !== planned.type) throw new Error(`${id}: changing a resource's type (replacement) is not emulated`);
        // DeletionPolicy is not a property: it changes without touching the resource.
        current.deletionPolicy = planned.declaration.DeletionPolicy;
        const props = this.resolve(stack, plan, id) as Properties;
        if (JSON.stringify(props) === JSON.stringify(current.props)) continue;
        const handler = HANDLERS[planned.type]!;
        if (!handler.update) throw new Error(`${id} (${planned.type}): changing its properties is not emulated`);
        this.resourceStatus(stack, current, 'UPDATE_IN_PROGRESS', 'state changed');
        try {
          current.made = await handler.update(current.made, props, current.props ?? {}, ctx);
          current.props = props;
        } catch (err) {
          this.resourceStatus(stack, current, 'UPDATE_FAILED', message(err));
          throw new ResourceFailed(id, err);
        }
        this.resourceStatus(stack, current, 'UPDATE_COMPLETE', 'state changed');
      }
      stack.plan = plan;
      const removed = previous.order.filter((id) => !plan.resources.has(id)).reverse();
      for (const id of removed) await this.deleteResource(stack, id, ctx);
      stack.outputs = this.outputs(stack);
      this.transition(stack, 'UPDATE_COMPLETE', 'Stack UPDATE completed successfully');
    } catch (err) {
      stack.plan = plan;
      this.transition(stack, 'UPDATE_FAILED', reason('UPDATE', err));
    }
  }

  private resolve(stack: Stack, plan: StackPlan, id: string): Record<string, unknown> {
    const planned = plan.resources.get(id)!;
    const scope = planScope(plan, RESOURCE_TYPES, (ref) => stack.resources.get(ref)?.made);
    return resolveProperties(id, planned.declaration, RESOURCE_TYPES[planned.type]!, scope);
  }

  private async createResource(stack: Stack, plan: StackPlan, id: string, ctx: CloudContext): Promise<void> {
    const planned = plan.resources.get(id)!;
    const now = this.now();
    const state: ResourceState = {
      id,
      type: planned.type,
      status: 'CREATE_IN_PROGRESS',
      statusReason: 'state changed',
      createTime: now,
      updateTime: now,
      deletionPolicy: planned.declaration.DeletionPolicy,
    };
    stack.resources.set(id, state);
    this.resourceStatus(stack, state, 'CREATE_IN_PROGRESS', 'state changed');
    try {
      const props = guard(() => this.resolve(stack, plan, id)) as Properties;
      state.props = props;
      state.made = await HANDLERS[planned.type]!.create(props, ctx);
    } catch (err) {
      this.resourceStatus(stack, state, 'CREATE_FAILED', message(err));
      throw new ResourceFailed(id, err);
    }
    this.resourceStatus(stack, state, 'CREATE_COMPLETE', 'state changed');
  }

  /** Deletes what the stack made, newest first (the reverse of the creation order). */
  private async deleteResources(stack: Stack, credentials: Credentials, _action: string): Promise<void> {
    const ctx = this.context(stack, credentials);
    const made = [...stack.resources.keys()].reverse();
    for (const id of made) await this.deleteResource(stack, id, ctx);
  }

  private async deleteResource(stack: Stack, id: string, ctx: CloudContext): Promise<void> {
    const state = stack.resources.get(id);
    if (!state) return;
    if (!state.made) {
      stack.resources.delete(id);
      return;
    }
    this.resourceStatus(stack, state, 'DELETE_IN_PROGRESS', 'state changed');
    if (state.deletionPolicy === 'Retain') {
      this.resourceStatus(stack, state, 'DELETE_COMPLETE', 'retained (DeletionPolicy Retain): the resource is left in the cloud');
      stack.resources.delete(id);
      return;
    }
    try {
      await HANDLERS[state.type]!.delete(state.made, state.props ?? {}, ctx);
    } catch (err) {
      this.resourceStatus(stack, state, 'DELETE_FAILED', message(err));
      throw new ResourceFailed(id, err);
    }
    this.resourceStatus(stack, state, 'DELETE_COMPLETE', 'state changed');
    stack.resources.delete(id);
  }

  private outputs(stack: Stack): Stack['outputs'] {
    const scope = planScope(stack.plan, RESOURCE_TYPES, (ref) => stack.resources.get(ref)?.made);
    return Object.entries(stack.plan.template.Outputs)
      .filter(([, o]) => o.Condition === undefined || stack.plan.conditions.get(o.Condition))
      .map(([key, o]) => ({
        OutputKey: key,
        OutputValue: guard(() => evaluate(o.Value, scope, `Outputs.${key}`)) as Json,
        ...(o.Description ? { Description: o.Description } : {}),
      }));
  }

  private transition(stack: Stack, status: string, statusReason: string): void {
    stack.status = status;
    stack.statusReason = statusReason;
    stack.updateTime = this.now();
    this.event(stack, stack.name, stack.id, 'ALIYUN::ROS::Stack', status, statusReason);
  }

  private resourceStatus(stack: Stack, state: ResourceState, status: string, statusReason: string): void {
    state.status = status;
    state.statusReason = statusReason;
    state.updateTime = this.now();
    this.event(stack, state.id, state.made?.physicalId ?? '', state.type, status, statusReason);
  }

  private event(stack: Stack, logicalId: string, physicalId: string, type: string, status: string, statusReason: string): void {
    stack.events.unshift({
      EventId: randomUUID(),
      StackId: stack.id,
      StackName: stack.name,
      LogicalResourceId: logicalId,
      PhysicalResourceId: physicalId,
      ResourceType: type,
      Status: status,
      StatusReason: statusReason,
      CreateTime: this.now(),
    });
    if (stack.events.length > MAX_EVENTS) stack.events.length = MAX_EVENTS;
  }

  private run(operation: () => Promise<void>): void {
    const p = operation().catch((err: unknown) => this.options.log.error('ros stack operation crashed', { error: err }));
    this.running.add(p);
    void p.finally(() => this.running.delete(p));
  }

  private now(): string {
    // ROS writes times as 2019-08-01T04:07:39 (UTC, no fraction).
    return new Date(this.options.clock.nowMs()).toISOString().slice(0, 19);
  }
}

class ResourceFailed extends Error {
  constructor(
    readonly resource: string,
    override readonly cause: unknown,
  ) {
    super(`${resource}: ${message(cause)}`);
  }
}

function message(err: unknown): string {
  return String((err as Error)?.message ?? err);
}

function reason(action: string, err: unknown): string {
  return `Resource ${action} failed: ${message(err)}`;
}

/** Template problems become StackValidationFailed; anything else passes through. */
function guard<T>(run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof TemplateInvalid) throw rosErrors.validation(err.message);
    if (err instanceof RosError) throw err;
    throw err;
  }
}
