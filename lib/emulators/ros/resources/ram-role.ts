// ALIYUN::RAM::Role through the RAM API (@alicloud/ram): CreateRole with the trust policy, then each
// of Policies as a custom policy of that name attached to the role. How ROS realises Policies is
// not documented (unconfirmed: a custom policy named PolicyName, attached, is what RAM offers; RAM
// has no inline policies). Deletion detaches and deletes those policies, then the role.
// Attributes (aliyun-ram-role): Arn, RoleId, RoleName — as RAM answers them.
import Ram from '@alicloud/ram';
import type { MadeResource } from '../template/plan';
import { type CloudContext, call, type Properties, type ResourceHandler, required } from './handler';

interface PolicyDecl {
  PolicyName: string;
  PolicyDocument: unknown;
  Description?: string;
}

function client(ctx: CloudContext): Ram {
  return new Ram({ ...ctx.credentials, endpoint: required(ctx.endpoints.ram, 'the RAM endpoint'), opts: { timeout: 30_000 } });
}

export const ramRole: ResourceHandler = {
  async create(props: Properties, ctx: CloudContext): Promise<MadeResource> {
    const ram = client(ctx);
    const params: Record<string, unknown> = {
      RoleName: props.RoleName,
      AssumeRolePolicyDocument: JSON.stringify(props.AssumeRolePolicyDocument),
      ...(props.Description !== undefined ? { Description: props.Description } : {}),
      ...(props.MaxSessionDuration !== undefined ? { MaxSessionDuration: props.MaxSessionDuration } : {}),
    };
    const answer = await call('RAM CreateRole', () => ram.request('CreateRole', params, { method: 'POST' }));
    const role = answer!.Role as { Arn: string; RoleId: string; RoleName: string };
    for (const policy of (props.Policies ?? []) as unknown as PolicyDecl[]) {
      await call('RAM CreatePolicy', () =>
        ram.request(
          'CreatePolicy',
          {
            PolicyName: policy.PolicyName,
            PolicyDocument: JSON.stringify(policy.PolicyDocument),
            ...(policy.Description ? { Description: policy.Description } : {}),
          },
          { method: 'POST' },
        ),
      );
      await call('RAM AttachPolicyToRole', () =>
        ram.request('AttachPolicyToRole', { PolicyType: 'Custom', PolicyName: policy.PolicyName, RoleName: role.RoleName }, { method: 'POST' }),
      );
    }
    return { physicalId: role.RoleName, attributes: { Arn: role.Arn, RoleId: role.RoleId, RoleName: role.RoleName } };
  },

  async delete(current: MadeResource, props: Properties, ctx: CloudContext): Promise<void> {
    const ram = client(ctx);
    for (const policy of (props.Policies ?? []) as unknown as PolicyDecl[]) {
      await call(
        'RAM DetachPolicyFromRole',
        () => ram.request('DetachPolicyFromRole', { PolicyType: 'Custom', PolicyName: policy.PolicyName, RoleName: current.physicalId }, { method: 'POST' }),
        ['EntityNotExist.Role.Policy', 'EntityNotExist.Role', 'EntityNotExist.Policy'],
      );
      await call('RAM DeletePolicy', () => ram.request('DeletePolicy', { PolicyName: policy.PolicyName }, { method: 'POST' }), ['EntityNotExist.Policy']);
    }
    await call('RAM DeleteRole', () => ram.request('DeleteRole', { RoleName: current.physicalId }, { method: 'POST' }), ['EntityNotExist.Role']);
  },
};
