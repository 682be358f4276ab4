// One trigger's deploy step, the same on FC 2.0 and FC 3.0: what is compared, when a trigger must
// be made again, and a create that finds its trigger already there (its first attempt landed, the
// answer was lost) becoming an update. The platforms give the calls and the bodies.
import { codeOf, unless } from './clients';
import { type Body, differing } from './compare';
import type { DeployStep } from './plan';

/** One trigger as the platform's API takes it. */
export interface TriggerCalls {
  /** As the plan prints it: `<service>/<function>/<trigger>` or `<function>/<trigger>`. */
  readonly name: string;
  /** The template's trigger: its type and source decide whether it can be updated in place. */
  readonly wanted: { readonly triggerType: unknown; readonly sourceArn?: unknown };
  /** The fields an update sends, as the answer holds them (a JSON-string config already parsed). */
  readonly compared: Body;
  create(): Promise<unknown>;
  update(): Promise<unknown>;
  remove(): Promise<unknown>;
}

/**
 * A trigger as comparable with what we send. FC answers an eventbridge trigger with a sourceArn of
 * its own and without the invocationRole, and gives every trigger a status (devsapp/fc3 strips
 * invocationRole, sourceArn and status before comparing); an FC 3.0 HTTP trigger's answer carries
 * its URLs.
 */
export function comparableTrigger(current: Body): Body {
  const { status: _s, httpTrigger: _h, ...rest } = current;
  if (rest.triggerType !== 'eventbridge') return rest;
  const { sourceArn: _a, invocationRole: _i, ...eventbridge } = rest;
  return eventbridge;
}

/** The trigger's step; a trigger whose type or source changed is deleted first (in `deletions`) and made again. */
export function triggerPlan(calls: TriggerCalls, deployed: Body | undefined, deletions: DeployStep[]): DeployStep {
  const current = deployed ? comparableTrigger(deployed) : undefined;
  const { wanted } = calls;
  // Type and source cannot be updated in place.
  const sourceChanged = current && wanted.triggerType !== 'eventbridge' && (current.sourceArn ?? undefined) !== wanted.sourceArn;
  if (current && (current.triggerType !== wanted.triggerType || sourceChanged)) {
    deletions.push(deleteTriggerStep(calls, `its type or source changed (${String(current.triggerType)} ${String(current.sourceArn ?? '')})`));
    return triggerStep(calls, undefined);
  }
  return triggerStep(calls, current);
}

function triggerStep(calls: TriggerCalls, current: Body | undefined): DeployStep {
  const { name } = calls;
  if (!current) {
    return {
      kind: 'trigger',
      name,
      action: 'create',
      reasons: ['not found'],
      run: async () => {
        try {
          await calls.create();
        } catch (err) {
          if (codeOf(err) !== 'TriggerAlreadyExists') throw err;
          await calls.update();
        }
      },
    };
  }
  const differences = differing(calls.compared, current);
  if (differences.length === 0) return { kind: 'trigger', name, action: 'unchanged', reasons: ['same as the template'] };
  return { kind: 'trigger', name, action: 'update', reasons: differences, run: async () => void (await calls.update()) };
}

/** The trigger's removal; one already gone is done. */
export function deleteTriggerStep(calls: Pick<TriggerCalls, 'name' | 'remove'>, reason: string): DeployStep {
  return {
    kind: 'trigger',
    name: calls.name,
    action: 'delete',
    reasons: [reason],
    run: async () => void (await unless(['TriggerNotFound'], () => calls.remove())),
  };
}
