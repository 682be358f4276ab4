// The Conditions section ("Conditions" in the ROS template reference): each condition is Fn::Equals,
// Fn::And, Fn::Or or Fn::Not at its outermost, may name other conditions, and may Ref parameters
// only ("Ref (only for parameter references)"); pseudo parameters are allowed too (unconfirmed).
import { TemplateInvalid } from '../errors';
import type { Json } from './document';
import { evaluate, functionOf, type Scope } from './intrinsics';
import type { ResolvedParameter } from './parameters';

/** The truth of every declared condition, evaluated once each (a cycle is refused). */
export function evaluateConditions(
  conditions: Record<string, Json>,
  parameters: ReadonlyMap<string, ResolvedParameter>,
  pseudo: Readonly<Record<string, string>>,
): Map<string, boolean> {
  const done = new Map<string, boolean>();
  const visiting = new Set<string>();
  const scope: Scope = {
    parameters,
    pseudo,
    condition: (name) => {
      if (done.has(name)) return done.get(name)!;
      if (!(name in conditions)) throw new TemplateInvalid(`no condition named ${name} in Conditions`);
      if (visiting.has(name)) throw new TemplateInvalid(`condition ${name} depends on itself`);
      visiting.add(name);
      const node = conditions[name]!;
      const call = functionOf(node);
      if (!call || !['Fn::Equals', 'Fn::And', 'Fn::Or', 'Fn::Not'].includes(call[0])) {
        throw new TemplateInvalid(`condition ${name} must be Fn::Equals, Fn::And, Fn::Or or Fn::Not at its outermost`);
      }
      const value = evaluate(node, scope, `Conditions.${name}`);
      visiting.delete(name);
      done.set(name, value === true);
      return value === true;
    },
    hasResource: () => false,
    ref: (id) => {
      throw new TemplateInvalid(`a condition cannot Ref the resource ${id}`);
    },
    attribute: (id) => {
      throw new TemplateInvalid(`a condition cannot read an attribute of ${id}`);
    },
  };
  for (const name of Object.keys(conditions)) scope.condition(name);
  return done;
}
