// The system policies the project attaches or RAM attaches for it, each document as Alibaba
// publishes it in the RAM console's system-policy pages ("<PolicyName>" under RAM → system policy
// reference), or a faithful subset where noted. System policies cannot be created, changed or
// deleted through the API; they can be attached (PolicyType "System").
export interface SystemPolicy {
  readonly description: string;
  readonly document: string;
}

const allow = (action: string | string[], extra: object[] = []): string =>
  JSON.stringify({ Version: '1', Statement: [{ Action: action, Resource: '*', Effect: 'Allow' }, ...extra] });

export const SYSTEM_POLICIES: Readonly<Record<string, SystemPolicy>> = {
  AdministratorAccess: { description: 'Provides full access to Alibaba Cloud services and resources.', document: allow('*') },
  AliyunOSSFullAccess: { description: 'Provides full access to Object Storage Service (OSS) via Management Console.', document: allow('oss:*') },
  /** Subset: the published policy also lists a few console-only actions. */
  AliyunOSSReadOnlyAccess: { description: 'Provides read-only access to Object Storage Service (OSS).', document: allow(['oss:Get*', 'oss:List*']) },
  AliyunOTSFullAccess: { description: 'Provides full access to Table Store (OTS).', document: allow('ots:*') },
  /** The read-only actions as the Tablestore "Custom RAM policy" page lists them. */
  AliyunOTSReadOnlyAccess: {
    description: 'Provides read-only access to Table Store (OTS).',
    document: allow(['ots:BatchGet*', 'ots:Describe*', 'ots:Get*', 'ots:List*', 'ots:Consume*', 'ots:Search', 'ots:ComputeSplitPointsBySize']),
  },
  AliyunLogFullAccess: { description: 'Provides full access to Log Service.', document: allow('log:*') },
  AliyunLogReadOnlyAccess: { description: 'Provides read-only access to Log Service.', document: allow(['log:Get*', 'log:List*']) },
  AliyunFCFullAccess: { description: 'Provides full access to Function Compute.', document: allow('fc:*') },
  AliyunFCInvocationAccess: { description: 'Provides permission to invoke functions.', document: allow(['fc:InvokeFunction']) },
  AliyunRAMFullAccess: { description: 'Provides full access to Resource Access Management (RAM).', document: allow('ram:*') },
  AliyunSTSAssumeRoleAccess: { description: 'Provides permission to call the AssumeRole API of STS.', document: allow('sts:AssumeRole') },
  /** EventBridge "Service-linked roles" (help/en/eventbridge/service-linked-roles), as published. */
  AliyunServiceRolePolicyForEventBridgeSendToFC: {
    description: 'The policy of the service-linked role with which EventBridge invokes Function Compute.',
    document: allow(
      [
        'fc:InvokeFunction',
        'fc:ListServices',
        'fc:ListFunctions',
        'fc:ListServiceVersions',
        'fc:ListAliases',
        'fc:RegisterEventSource',
        'fc:DeregisterEventSource',
        'fc:ListEventSources',
      ],
      [
        {
          Action: 'ram:DeleteServiceLinkedRole',
          Resource: '*',
          Effect: 'Allow',
          Condition: { StringEquals: { 'ram:ServiceName': 'sendevent-fc.eventbridge.aliyuncs.com' } },
        },
      ],
    ),
  },
};

/** A service-linked role RAM makes on CreateServiceLinkedRole for a ServiceName it knows. */
export interface ServiceLinkedRoleSpec {
  readonly roleName: string;
  readonly policyName: string;
  readonly description: string;
}

/**
 * ServiceName → the role. EventBridge's: ServiceName `sendevent-fc.eventbridge.aliyuncs.com` (EventBridge
 * "Service-linked roles": the policy's ram:ServiceName condition; alibabacloud-automation
 * terraform-alicloud-service-linked-role examples/eventbridge), role AliyunServiceRoleForEventBridgeSendToFC.
 */
export const SERVICE_LINKED_ROLES: Readonly<Record<string, ServiceLinkedRoleSpec>> = {
  'sendevent-fc.eventbridge.aliyuncs.com': {
    roleName: 'AliyunServiceRoleForEventBridgeSendToFC',
    policyName: 'AliyunServiceRolePolicyForEventBridgeSendToFC',
    description: 'EventBridge invokes Function Compute with this role.',
  },
};

/** RAM puts service-linked roles under this path (RAM "Service-linked roles"). */
export const SERVICE_LINKED_ROLE_PATH = '/aliyun-service-role/';
