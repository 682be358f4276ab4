// What CreateStack checks before it makes anything, and the order it makes things in: parameters
// resolved, conditions evaluated, resources whose Condition is false left out, every resource's
// properties evaluated (values from other resources are Pending then) and checked against its
// type, and the dependencies — Ref, Fn::GetAtt, ${Res} / ${Res.Attr} in Fn::Sub, and DependsOn —
// ordered so that each resource is made after what it uses ("DependsOn" and "Ref" in the ROS
// template reference). A dependency cycle is refused.
import { TemplateInvalid } from '../errors';
import type { Json, ResourceDeclaration, Template } from './document';
import { evaluateConditions } from './conditions';
import { evaluate, Pending, type Scope, type Value } from './intrinsics';
import { type ResolvedParameter, resolveParameters } from './parameters';
import { checkProperties } from './properties';
import type { ResourceType } from './resource-types';

export interface PlannedResource {
  readonly id: string;
  readonly type: string;
  readonly declaration: ResourceDeclaration;
  readonly dependsOn: ReadonlySet<string>;
}

export interface StackPlan {
  readonly template: Template;
  readonly parameters: ReadonlyMap<string, ResolvedParameter>;
  readonly pseudo: Readonly<Record<string, string>>;
  readonly conditions: ReadonlyMap<string, boolean>;
  readonly resources: ReadonlyMap<string, PlannedResource>;
  /** Creation order; deletion runs it backwards. */
  readonly order: readonly string[];
}

/** A made resource, as the plan reads it back for Ref and Fn::GetAtt. */
export interface MadeResource {
  readonly physicalId: string;
  readonly attributes: Readonly<Record<string, Json>>;
}

export function planStack(
  template: Template,
  given: ReadonlyMap<string, string>,
  pseudo: Readonly<Record<string, string>>,
  types: Readonly<Record<string, ResourceType>>,
): StackPlan {
  const parameters = resolveParameters(template.Parameters, given);
  const conditions = evaluateConditions(template.Conditions, parameters, pseudo);
  const active = new Map<string, ResourceDeclaration>();
  for (const [id, declaration] of Object.entries(template.Resources)) {
    if (!(declaration.Type in types)) {
      throw new TemplateInvalid(`resource ${id}: type ${declaration.Type} is not one the local ROS knows (${Object.keys(types).join(', ')})`);
    }
    if (declaration.Condition !== undefined) {
      if (!conditions.has(declaration.Condition)) throw new TemplateInvalid(`resource ${id}: no condition named ${declaration.Condition}`);
      if (!conditions.get(declaration.Condition)) continue;
    }
    active.set(id, declaration);
  }
  const resources = new Map<string, PlannedResource>();
  for (const [id, declaration] of active) {
    const deps = new Set<string>();
    for (const target of typeof declaration.DependsOn === 'string' ? [declaration.DependsOn] : (declaration.DependsOn ?? [])) {
      if (!active.has(target))
        throw new TemplateInvalid(`resource ${id}: DependsOn ${target}, which is not a resource of the stack (or its Condition is false)`);
      deps.add(target);
    }
    const scope = scopeOf({ template, parameters, pseudo, conditions, active, types }, (target) => {
      deps.add(target);
      return undefined;
    });
    resolveProperties(id, declaration, types[declaration.Type]!, scope);
    if (deps.has(id)) throw new TemplateInvalid(`resource ${id} refers to itself`);
    resources.set(id, { id, type: declaration.Type, declaration, dependsOn: deps });
  }
  for (const [name, output] of Object.entries(template.Outputs)) {
    if (output.Condition !== undefined && !conditions.get(output.Condition)) continue;
    evaluate(
      output.Value,
      scopeOf({ template, parameters, pseudo, conditions, active, types }, () => undefined),
      `Outputs.${name}`,
    );
  }
  return { template, parameters, pseudo, conditions, resources, order: order(resources) };
}

/** The resource's properties evaluated with `scope` and checked against its type. */
export function resolveProperties(id: string, declaration: ResourceDeclaration, type: ResourceType, scope: Scope): Record<string, Value> {
  const where = `${id} (${declaration.Type})`;
  const raw = evaluate((declaration.Properties ?? {}) as Json, scope, `Resources.${id}.Properties`) as Record<string, Value>;
  const props = checkProperties(type.properties, raw, where);
  type.check?.(props, where);
  return props;
}

interface ScopeInputs {
  readonly template: Template;
  readonly parameters: ReadonlyMap<string, ResolvedParameter>;
  readonly pseudo: Readonly<Record<string, string>>;
  readonly conditions: ReadonlyMap<string, boolean>;
  readonly active: ReadonlyMap<string, ResourceDeclaration>;
  readonly types: Readonly<Record<string, ResourceType>>;
}

/**
 * A scope over the plan. `made` answers a resource's physical id and attributes once it exists;
 * until then Ref and Fn::GetAtt are Pending.
 */
export function scopeOf(inputs: ScopeInputs, made: (id: string) => MadeResource | undefined): Scope {
  return {
    parameters: inputs.parameters,
    pseudo: inputs.pseudo,
    condition: (name) => {
      const value = inputs.conditions.get(name);
      if (value === undefined) throw new TemplateInvalid(`no condition named ${name} in Conditions`);
      return value;
    },
    hasResource: (id) => inputs.active.has(id),
    ref: (id) => made(id)?.physicalId ?? new Pending(`Ref ${id}`),
    attribute: (id, name) => {
      const type = inputs.types[inputs.active.get(id)!.Type]!;
      if (!type.attributes.includes(name)) {
        throw new TemplateInvalid(
          `Fn::GetAtt ${id}.${name}: ${inputs.active.get(id)!.Type} has no attribute ${name} (${type.attributes.join(', ') || 'none'})`,
        );
      }
      const resource = made(id);
      if (!resource) return new Pending(`${id}.${name}`);
      const value = resource.attributes[name];
      if (value === undefined) throw new TemplateInvalid(`Fn::GetAtt ${id}.${name}: the local ROS does not know this attribute's value`);
      return value;
    },
  };
}

export function planScope(plan: StackPlan, types: Readonly<Record<string, ResourceType>>, made: (id: string) => MadeResource | undefined): Scope {
  const active = new Map([...plan.resources].map(([id, r]) => [id, r.declaration] as const));
  return scopeOf({ ...plan, active, types }, made);
}

/** Kahn's algorithm, ties broken by template order so that a plan reads the same every time. */
function order(resources: ReadonlyMap<string, PlannedResource>): string[] {
  const out: string[] = [];
  const done = new Set<string>();
  while (out.length < resources.size) {
    const next = [...resources.values()].find((r) => !done.has(r.id) && [...r.dependsOn].every((d) => done.has(d)));
    if (!next) {
      const stuck = [...resources.keys()].filter((id) => !done.has(id));
      throw new TemplateInvalid(`circular dependency between resources ${stuck.join(', ')}`);
    }
    done.add(next.id);
    out.push(next.id);
  }
  return out;
}
