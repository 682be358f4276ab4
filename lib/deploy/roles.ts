// The RAM roles of template.yml (ALIYUN::RAM::Role): created, updated and deleted through the RAM
// API with the deployer's credentials, each with one custom policy per entry of its Policies.
// A role given by --role LogicalId=ARN is the team's own: thaw neither changes nor deletes it.
// Destroy deletes only roles whose Description says they belong to this stack, so a same-named
// role someone else made is left alone.
import type Ram from '@alicloud/ram';
import { canonicalJson, codeOf, unless } from './clients';
import type { Step } from './plan';
import type { RoleSpec } from './template';

interface RoleView {
  RoleName: string;
  Description?: string;
  AssumeRolePolicyDocument?: string;
}

export async function planRole(ram: Ram, role: RoleSpec, givenArn: string | undefined): Promise<Step> {
  const name = role.roleName;
  if (givenArn) return { kind: 'role', name, action: 'keep', reasons: [`given by --role ${role.logicalId}=${givenArn}; not managed by thaw`] };
  const current = (await unless(['EntityNotExist.Role'], () => ram.request('GetRole', { RoleName: name })))?.Role as RoleView | undefined;
  const reasons: string[] = [];
  const policies: { policyName: string; document: string; exists: boolean; differs: boolean; attached: boolean }[] = [];
  const attached = current
    ? new Set(((await ram.request('ListPoliciesForRole', { RoleName: name })).Policies?.Policy ?? []).map((p: { PolicyName: string }) => p.PolicyName))
    : new Set<string>();
  for (const p of role.policies) {
    const got = await unless(['EntityNotExist.Policy'], () => ram.request('GetPolicy', { PolicyName: p.policyName, PolicyType: 'Custom' }));
    const document = JSON.stringify(p.policyDocument);
    const deployed = got?.DefaultPolicyVersion?.PolicyDocument as string | undefined;
    const differs = got !== undefined && !sameDocument(deployed, document);
    policies.push({ policyName: p.policyName, document, exists: got !== undefined, differs, attached: attached.has(p.policyName) });
    if (!got) reasons.push(`policy ${p.policyName} not found`);
    else if (differs) reasons.push(`policy ${p.policyName} differs from the template`);
    if (got && !attached.has(p.policyName)) reasons.push(`policy ${p.policyName} not attached`);
  }
  const trust = JSON.stringify(role.assumeRolePolicyDocument);
  const trustDiffers = current !== undefined && !sameDocument(current.AssumeRolePolicyDocument, trust);
  const descriptionDiffers = current !== undefined && (current.Description ?? '') !== role.description;
  if (trustDiffers) reasons.push('trust policy differs from the template');
  if (descriptionDiffers) reasons.push('description differs');
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
      for (const p of policies) {
        if (!p.exists) {
          await orAlreadyExists('EntityAlreadyExists.Policy', () =>
            ram.request('CreatePolicy', { PolicyName: p.policyName, PolicyDocument: p.document, Description: role.description }, { method: 'POST' }),
          );
        } else if (p.differs) {
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
    },
  };
}

export async function planRoleDeletion(ram: Ram, role: RoleSpec, stackMarker: string, givenArn: string | undefined): Promise<Step | undefined> {
  const name = role.roleName;
  if (givenArn) return { kind: 'role', name, action: 'keep', reasons: [`given by --role ${role.logicalId}; not managed by thaw`] };
  const current = (await unless(['EntityNotExist.Role'], () => ram.request('GetRole', { RoleName: name })))?.Role as RoleView | undefined;
  if (!current) return undefined;
  if (!(current.Description ?? '').includes(stackMarker)) {
    return { kind: 'role', name, action: 'keep', reasons: [`its description does not say "${stackMarker}": not made by this stack`] };
  }
  const ours = new Set(role.policies.map((p) => p.policyName));
  return {
    kind: 'role',
    name,
    action: 'delete',
    reasons: ['made by this stack'],
    async run() {
      const attached = ((await ram.request('ListPoliciesForRole', { RoleName: name })).Policies?.Policy ?? []) as { PolicyName: string; PolicyType: string }[];
      for (const p of attached) {
        await unless(['EntityNotExist.Role.Policy'], () =>
          ram.request('DetachPolicyFromRole', { PolicyType: p.PolicyType, PolicyName: p.PolicyName, RoleName: name }, { method: 'POST' }),
        );
      }
      for (const policyName of ours) {
        if (!(await unless(['EntityNotExist.Policy'], () => ram.request('GetPolicy', { PolicyName: policyName, PolicyType: 'Custom' })))) continue;
        await deleteOldVersions(ram, policyName);
        await unless(['EntityNotExist.Policy'], () => ram.request('DeletePolicy', { PolicyName: policyName }, { method: 'POST' }));
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
