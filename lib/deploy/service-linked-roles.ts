// Service-linked roles the stack's triggers need. EventBridge delivers events to Function Compute
// through AliyunServiceRoleForEventBridgeSendToFC (EventBridge "Service-linked roles"; devsapp/fc3
// src/base.ts: "eb 触发器没有 trigger role, get or create slr role"), made by RAM
// CreateServiceLinkedRole with the service name sendevent-fc.eventbridge.aliyuncs.com; the deployer
// needs ram:CreateServiceLinkedRole for it. It belongs to the account, not to the stack: destroy
// leaves it.
import type Ram from '@alicloud/ram';
import { unless } from './clients';
import type { DeployStep } from './plan';

export const SERVICE_LINKED_ROLES = {
  'eventbridge-fc': { roleName: 'AliyunServiceRoleForEventBridgeSendToFC', serviceName: 'sendevent-fc.eventbridge.aliyuncs.com' },
} as const;

export type ServiceLinkedRole = keyof typeof SERVICE_LINKED_ROLES;

export async function serviceLinkedRoleStep(ram: Ram, which: ServiceLinkedRole): Promise<DeployStep> {
  const { roleName, serviceName } = SERVICE_LINKED_ROLES[which];
  const exists = await unless(['EntityNotExist.Role'], () => ram.request('GetRole', { RoleName: roleName }));
  if (exists) return { kind: 'service-linked role', name: roleName, action: 'unchanged', reasons: ['exists in the account'] };
  return {
    kind: 'service-linked role',
    name: roleName,
    action: 'create',
    reasons: ['EventBridge invokes Function Compute through it'],
    run: async () => {
      await unless(['EntityAlreadyExists.Role'], () => ram.request('CreateServiceLinkedRole', { ServiceName: serviceName }, { method: 'POST' }));
    },
  };
}
