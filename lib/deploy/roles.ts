// The RAM roles of template.yml (ALIYUN::RAM::Role): created, updated and deleted through the RAM
// API with the deployer's credentials, each with one custom policy per entry of its Policies.
//
// Ownership: a role or policy this stack made says so in its Description ("oss-thaw stack <name>:",
// written when thaw creates it). One of the same name that does not is someone else's, and thaw
// never changes, attaches to or deletes it: the plan stops and says "exists, not made by this
// stack: pass --role LogicalId=ARN to use it as it is, or --adopt to take it over". A role given by
// --role is the team's own, used as it is. Policies attached to a role of ours that the template
// does not declare are detached: the function would run with them.
//
// Tags: every role and custom policy of the stack also carries oss-thaw-stack=<stack> (RAM
// TagResources, ResourceType role / policy), so the account's tag views find them with the stack's
// FC functions and services. Ownership stays with the Description; the tag is read in the plan
// (ListTagResources) and added when missing, so a stack made before tags existed converges and a
// second run changes nothing.
import type Ram from '@alicloud/ram';
import { canonicalJson, codeOf, unless } from './clients';
import { STACK_TAG } from './fc3-plan';
import type { DeployStep } from './plan';
import type { RoleSpec } from './template';

interface RoleView {
  RoleName: string;
  Arn?: string;
  Description?: string;
  AssumeRolePolicyDocument?: string;
}

interface AttachedPolicy {
  PolicyName: string;
  PolicyType: string;
}

export interface RoleOwnership {
  /** "oss-thaw stack <name>": what a Description of ours starts with. */
  readonly marker: string;
  /** --adopt: take over a same-named role or policy made by someone else. */
  readonly adopt: boolean;
}

const MARKER_PREFIX = 'oss-thaw stack ';

/** Roles and policies carry this at the start of their Description (template.yml: "oss-thaw stack <name>: …"). */
export function stackMarker(stackName: string): string {
  return `${MARKER_PREFIX}${stackName}`;
}

/** The stack a marker names (RoleOwnership carries the marker, and the stack's tag needs the name). */
function stackNameOf(marker: string): string {
  return marker.startsWith(MARKER_PREFIX) ? marker.slice(MARKER_PREFIX.length) : marker;
}

type TaggedKind = 'role' | 'policy';

/**
 * Which of these roles or policies lack the stack's tag, read with ListTagResources (RAM answers
 * {TagResources: [{ResourceName, TagKey, TagValue}], NextToken}; at most 50 names a call).
 */
async function lackingStackTag(ram: Ram, kind: TaggedKind, names: readonly string[], stackName: string): Promise<Set<string>> {
  const lacking = new Set(names);
  if (names.length === 0) return lacking;
  let nextToken: string | undefined;
  // Bounded: 50 names × at most 20 tags each is 10 pages of 100.
  for (let page = 0; page < 10; page++) {
    const answer = (await ram.request('ListTagResources', {
      ResourceType: kind,
      ResourceNames: JSON.stringify(names),
      ...(nextToken ? { NextToken: nextToken } : {}),
    })) as { TagResources?: { ResourceName?: string; TagKey?: string; TagValue?: string }[]; NextToken?: string };
    for (const t of answer.TagResources ?? []) {
      if (t.TagKey === STACK_TAG && t.TagValue === stackName && t.ResourceName !== undefined) lacking.delete(t.ResourceName);
    }
    nextToken = answer.NextToken || undefined;
    if (!nextToken) break;
  }
  return lacking;
}

async function tagWithStack(ram: Ram, kind: TaggedKind, names: readonly string[], stackName: string): Promise<void> {
  if (names.length === 0) return;
  await ram.request(
    'TagResources',
    { ResourceType: kind, ResourceNames: JSON.stringify(names), Tag: JSON.stringify([{ Key: STACK_TAG, Value: stackName }]) },
    { method: 'POST' },
  );
}

function ours(description: string | undefined, marker: string): boolean {
  // The marker ends at ":" so that stack "a" does not own the roles of stack "a-b".
  return (description ?? '').startsWith(`${marker}:`);
}

export async function planRole(ram: Ram, role: RoleSpec, givenArn: string | undefined, ownership: RoleOwnership): Promise<DeployStep> {
  const name = role.roleName;
  if (givenArn) return { kind: 'role', name, action: 'keep', reasons: [`given by --role ${role.logicalId}=${givenArn}; not managed by thaw`] };
  const current = (await unless(['EntityNotExist.Role'], () => ram.request('GetRole', { RoleName: name })))?.Role as RoleView | undefined;
  const foreignRole = current !== undefined && !ours(current.Description, ownership.marker);
  if (foreignRole && !ownership.adopt) {
    return {
      kind: 'role',
      name,
      action: 'blocked',
      reasons: [
        `exists, not made by this stack (its description does not start "${ownership.marker}:"): pass --role ${role.logicalId}=<its ARN> to use it as it is, or --adopt to take it over`,
      ],
    };
  }
  const reasons: string[] = [];
  const policies: { policyName: string; document: string; description: string; exists: boolean; differs: boolean; attached: boolean; adopt: boolean }[] = [];
  const attachedList: AttachedPolicy[] = current ? ((await ram.request('ListPoliciesForRole', { RoleName: name })).Policies?.Policy ?? []) : [];
  const attached = new Set(attachedList.map((p) => `${p.PolicyType}:${p.PolicyName}`));
  for (const p of role.policies) {
    const got = await unless(['EntityNotExist.Policy'], () => ram.request('GetPolicy', { PolicyName: p.policyName, PolicyType: 'Custom' }));
    if (got && !ours(got.Policy?.Description, ownership.marker) && !ownership.adopt) {
      return {
        kind: 'role',
        name,
        action: 'blocked',
        reasons: [`its policy ${p.policyName} exists, not made by this stack: rename the stack, delete that policy, or pass --adopt to take it over`],
      };
    }
    const document = JSON.stringify(p.policyDocument);
    const deployed = got?.DefaultPolicyVersion?.PolicyDocument as string | undefined;
    const differs = got !== undefined && !sameDocument(deployed, document);
    const isAttached = attached.has(`Custom:${p.policyName}`);
    const adopt = got !== undefined && !ours(got.Policy?.Description, ownership.marker);
    policies.push({ policyName: p.policyName, document, description: role.description, exists: got !== undefined, differs, attached: isAttached, adopt });
    if (!got) reasons.push(`policy ${p.policyName} not found`);
    else if (differs) reasons.push(`policy ${p.policyName} differs from the template`);
    if (adopt) reasons.push(`policy ${p.policyName} adopted (--adopt)`);
    if (got && !isAttached) reasons.push(`policy ${p.policyName} not attached`);
  }
  const stackName = stackNameOf(ownership.marker);
  const tag = `${STACK_TAG}=${stackName}`;
  // A role or policy made in this run is tagged when made; one already there is read.
  const untaggedRole = current ? (await lackingStackTag(ram, 'role', [name], stackName)).size > 0 : true;
  const existingPolicies = policies.filter((p) => p.exists).map((p) => p.policyName);
  const untaggedPolicies = await lackingStackTag(ram, 'policy', existingPolicies, stackName);
  for (const p of policies) if (!p.exists) untaggedPolicies.add(p.policyName);
  if (current && untaggedRole) reasons.push(`no ${tag} tag`);
  for (const p of existingPolicies) if (untaggedPolicies.has(p)) reasons.push(`policy ${p} has no ${tag} tag`);
  const declared = new Set(role.policies.map((p) => `Custom:${p.policyName}`));
  const extra = attachedList.filter((p) => !declared.has(`${p.PolicyType}:${p.PolicyName}`));
  for (const p of extra) reasons.push(`${p.PolicyType} policy ${p.PolicyName} attached outside the template: detached (the function would run with it)`);
  const trust = JSON.stringify(role.assumeRolePolicyDocument);
  const trustDiffers = current !== undefined && !sameDocument(current.AssumeRolePolicyDocument, trust);
  const descriptionDiffers = current !== undefined && (current.Description ?? '') !== role.description;
  if (foreignRole) reasons.push("adopted (--adopt): its description and trust policy become the template's");
  if (trustDiffers) reasons.push('trust policy differs from the template');
  if (descriptionDiffers && !foreignRole) reasons.push('description differs');
  if (current && reasons.length === 0) return { kind: 'role', name, action: 'unchanged', reasons: ['same as the template'] };
  return {
    kind: 'role',
    name,
    action: current ? 'update' : 'create',
    reasons: current ? reasons : ['not found'],
    async run() {
      if (!current) {
        await orAlreadyExists('EntityAlreadyExists.Role', () =>
          ram.request('CreateRole', { RoleName: name, Description: role.description, AssumeRolePolicyDocument: trust }, { method: 'POST' }),
        );
      } else if (trustDiffers || descriptionDiffers) {
        await ram.request('UpdateRole', { RoleName: name, NewAssumeRolePolicyDocument: trust, NewDescription: role.description }, { method: 'POST' });
      }
      if (untaggedRole) await tagWithStack(ram, 'role', [name], stackName);
      for (const p of extra) {
        await unless(['EntityNotExist.Role.Policy'], () =>
          ram.request('DetachPolicyFromRole', { PolicyType: p.PolicyType, PolicyName: p.PolicyName, RoleName: name }, { method: 'POST' }),
        );
      }
      for (const p of policies) {
        if (!p.exists) {
          await orAlreadyExists('EntityAlreadyExists.Policy', () =>
            ram.request('CreatePolicy', { PolicyName: p.policyName, PolicyDocument: p.document, Description: p.description }, { method: 'POST' }),
          );
        }
        if (p.adopt) {
          // From now on the policy says it is this stack's, so destroy removes it with the role.
          await ram.request('UpdatePolicyDescription', { PolicyName: p.policyName, NewDescription: p.description }, { method: 'POST' });
        }
        if (p.exists && p.differs) {
          // RAM keeps five versions: drop the old non-default ones before adding the new default.
          await deleteOldVersions(ram, p.policyName);
          await ram.request('CreatePolicyVersion', { PolicyName: p.policyName, PolicyDocument: p.document, SetAsDefault: 'true' }, { method: 'POST' });
        }
        if (!p.attached) {
          await orAlreadyExists('EntityAlreadyExists.Role.Policy', () =>
            ram.request('AttachPolicyToRole', { PolicyType: 'Custom', PolicyName: p.policyName, RoleName: name }, { method: 'POST' }),
          );
        }
      }
      // One call for the role's policies (a role holds at most 5 custom policies; RAM takes 50 names).
      await tagWithStack(
        ram,
        'policy',
        policies.filter((p) => untaggedPolicies.has(p.policyName)).map((p) => p.policyName),
        stackName,
      );
    },
  };
}

export async function planRoleDeletion(ram: Ram, role: RoleSpec, marker: string, givenArn: string | undefined): Promise<DeployStep | undefined> {
  const name = role.roleName;
  if (givenArn) return { kind: 'role', name, action: 'keep', reasons: [`given by --role ${role.logicalId}; not managed by thaw`] };
  const current = (await unless(['EntityNotExist.Role'], () => ram.request('GetRole', { RoleName: name })))?.Role as RoleView | undefined;
  if (!current) return undefined;
  if (!ours(current.Description, marker)) {
    return { kind: 'role', name, action: 'keep', reasons: [`its description does not start "${marker}:": not made by this stack`] };
  }
  return {
    kind: 'role',
    name,
    action: 'delete',
    reasons: ['made by this stack'],
    async run() {
      const attached = ((await ram.request('ListPoliciesForRole', { RoleName: name })).Policies?.Policy ?? []) as AttachedPolicy[];
      for (const p of attached) {
        await unless(['EntityNotExist.Role.Policy'], () =>
          ram.request('DetachPolicyFromRole', { PolicyType: p.PolicyType, PolicyName: p.PolicyName, RoleName: name }, { method: 'POST' }),
        );
      }
      for (const policy of role.policies) {
        const got = await unless(['EntityNotExist.Policy'], () => ram.request('GetPolicy', { PolicyName: policy.policyName, PolicyType: 'Custom' }));
        // A same-named policy someone else made stays, like their roles.
        if (!got || !ours(got.Policy?.Description, marker)) continue;
        await deleteOldVersions(ram, policy.policyName);
        await unless(['EntityNotExist.Policy'], () => ram.request('DeletePolicy', { PolicyName: policy.policyName }, { method: 'POST' }));
      }
      await unless(['EntityNotExist.Role'], () => ram.request('DeleteRole', { RoleName: name }, { method: 'POST' }));
    },
  };
}

async function deleteOldVersions(ram: Ram, policyName: string): Promise<void> {
  const versions = ((await ram.request('ListPolicyVersions', { PolicyName: policyName, PolicyType: 'Custom' })).PolicyVersions?.PolicyVersion ?? []) as {
    VersionId: string;
    IsDefaultVersion: boolean;
  }[];
  for (const v of versions) {
    if (!v.IsDefaultVersion) await ram.request('DeletePolicyVersion', { PolicyName: policyName, VersionId: v.VersionId }, { method: 'POST' });
  }
}

/** A create whose earlier attempt landed (its answer lost) is done, not failed. */
async function orAlreadyExists(code: string, call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (err) {
    if (codeOf(err) !== code) throw err;
  }
}

function sameDocument(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  try {
    return canonicalJson(JSON.parse(decodeURIComponent(a))) === canonicalJson(JSON.parse(b));
  } catch {
    try {
      return canonicalJson(JSON.parse(a)) === canonicalJson(JSON.parse(b));
    } catch {
      return false;
    }
  }
}
