// What ROS documents for each resource type this emulator knows: properties (required, type,
// range, length, pattern, allowed values), the attributes Fn::GetAtt may read, and cross-property
// rules. Written for this emulator from:
//   - ROS's resource reference pages (help.aliyun.com/…/ros/developer-reference/aliyun-<type>),
//   - the machine-readable property lists of aliyun/alibabacloud-ros-tool-transformer
//     (rostran/rules/ros/resource/aliyun_<type>.yml: property and attribute names),
//   - ROS's own CDK, generated from ROS's resource schemas (npm @alicloud/ros-cdk-fc 1.9.0,
//     -fc3 1.11.0, -ram 1.12.0, -ots 1.11.0, -sls 1.11.0: lib/*.generated.js Ros*PropsValidator:
//     required properties, ranges, lengths, patterns and allowed values).
// Nested maps without `props` are free-form here (their keys are not checked); each is marked.
import { TemplateInvalid } from '../errors';
import type { Value } from './intrinsics';
import type { PropertySchema } from './properties';

type S = PropertySchema;
const str = (o: Partial<S> = {}): S => ({ type: 'string', ...o });
const int = (o: Partial<S> = {}): S => ({ type: 'integer', ...o });
const num = (o: Partial<S> = {}): S => ({ type: 'number', ...o });
const bool = (o: Partial<S> = {}): S => ({ type: 'boolean', ...o });
const list = (items?: S, o: Partial<S> = {}): S => ({ type: 'list', ...(items ? { items } : {}), ...o });
const map = (props?: Record<string, S>, o: Partial<S> = {}): S => ({ type: 'map', ...(props ? { props } : {}), ...o });
const req = (s: S): S => ({ ...s, required: true });
const tags = () => list(map({ Key: req(str()), Value: str() }), { length: [undefined, 20] });
/** A free-form map: ROS documents its keys elsewhere; not checked here. */
const free = () => map();

export interface ResourceType {
  readonly properties: Readonly<Record<string, S>>;
  readonly attributes: readonly string[];
  /** Rules across properties, on resolved values. */
  readonly check?: (props: Record<string, Value>, where: string) => void;
}

const policyStatement = map({
  Effect: str({ allowed: ['Allow', 'Deny'] }),
  Action: list(),
  Resource: list(),
  Condition: free(),
  NotAction: list(),
  NotResource: list(),
});
const policyDocument = map({ Version: req(str()), Statement: req(list(policyStatement)) });

/** ROS ALIYUN::FC::Trigger: "InvocationRole … required when TriggerType is set to a value other than timer and http" (and SourceArn likewise). */
function triggerRoleRule(props: Record<string, Value>, where: string): void {
  const type = props.TriggerType;
  if (typeof type !== 'string' || type === 'timer' || type === 'http') return;
  for (const name of ['InvocationRole', 'SourceArn']) {
    if (props[name] === undefined) throw new TemplateInvalid(`${where}: property ${name} is required when TriggerType is ${type} (not timer or http)`);
  }
}

const fcName = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export const RESOURCE_TYPES: Readonly<Record<string, ResourceType>> = {
  // aliyun-ram-role; ros-cdk-ram RosRolePropsValidator. RoleName: 1–64 letters, digits, "." and "-".
  'ALIYUN::RAM::Role': {
    properties: {
      RoleName: req(str({ length: [1, 64], pattern: /^[A-Za-z0-9.-]+$/ })),
      AssumeRolePolicyDocument: req(
        map({
          Version: req(str()),
          Statement: req(
            list(
              map({
                Action: str(),
                Effect: str({ allowed: ['Allow', 'Deny'] }),
                Principal: map({ Service: list(), Federated: list(), RAM: list() }),
                Condition: free(),
              }),
            ),
          ),
        }),
      ),
      Description: str({ length: [undefined, 1024] }),
      MaxSessionDuration: int({ range: [3600, 43200] }),
      Policies: list(
        map({
          PolicyName: req(str({ length: [undefined, 128] })),
          PolicyDocument: req(policyDocument),
          Description: str({ length: [undefined, 1024] }),
          IgnoreExisting: bool(),
        }),
      ),
      PolicyAttachments: map({ System: list(str(), { length: [undefined, 20] }), Custom: list(str(), { length: [undefined, 5] }) }),
      IgnoreExisting: bool(),
      DeletionForce: bool(),
      Tags: tags(),
    },
    attributes: ['Arn', 'RoleId', 'RoleName'],
  },
  // aliyun-fc-service; ros-cdk-fc RosServicePropsValidator. ServiceName: 1–128, starts with a letter or "_".
  'ALIYUN::FC::Service': {
    properties: {
      ServiceName: req(str({ length: [1, 128], pattern: fcName })),
      Description: str(),
      Role: str(),
      InternetAccess: bool(),
      DeletionForce: bool(),
      LogConfig: map({ Project: str(), Logstore: str(), LogBeginRule: str(), EnableRequestMetrics: bool() }),
      VpcConfig: map({ VpcId: req(str()), VSwitchIds: req(list(str())), SecurityGroupId: req(str()), ZoneId: str() }),
      NasConfig: map({
        UserId: req(int({ range: [-1, 65534] })),
        GroupId: req(int({ range: [-1, 65534] })),
        MountPoints: req(list(map({ ServerAddr: req(str()), MountDir: req(str()) }), { length: [undefined, 5] })),
      }),
      OssMountConfig: map({
        MountPoints: req(
          list(map({ BucketName: req(str()), BucketPath: req(str()), EndPoint: req(str()), MountDir: req(str()), ReadOnly: req(bool()) }), {
            length: [undefined, 5],
          }),
        ),
      }),
      TracingConfig: map({ Type: str(), Params: free() }),
      VpcBindings: list(str(), { length: [undefined, 20] }),
      Tags: tags(),
    },
    attributes: ['ServiceId', 'ServiceName', 'Role', 'InternetAccess', 'LogProject', 'Logstore', 'VpcId', 'Tags'],
  },
  // aliyun-fc-function; ros-cdk-fc RosFunctionPropsValidator. Nested configs other than Code are free-form here.
  'ALIYUN::FC::Function': {
    properties: {
      ServiceName: req(str({ length: [1, 128] })),
      FunctionName: req(str()),
      Handler: req(str()),
      Runtime: req(str()),
      Code: map({ OssBucketName: str(), OssObjectName: str(), ZipFile: str(), SourceCode: str({ length: [undefined, 4096] }) }),
      Description: str(),
      MemorySize: int({ range: [128, 32768] }),
      Timeout: int({ range: [1, 86400] }),
      EnvironmentVariables: free(),
      Initializer: str(),
      InitializationTimeout: int(),
      InstanceConcurrency: int({ range: [1, 100] }),
      InstanceSoftConcurrency: int({ range: [1, 100] }),
      InstanceType: str({ allowed: ['e1', 'c1', 'fc.gpu.tesla.1', 'fc.gpu.ampere.1', 'fc.gpu.ada.1', 'g1'] }),
      CAPort: int(),
      Cpu: num(),
      DiskSize: int({ allowed: [512, 10240] }),
      GpuMemorySize: int(),
      AsyncConfiguration: free(),
      CustomContainerConfig: free(),
      CustomRuntimeConfig: map({ Command: list(str()), Args: list(str()) }),
      CustomDNS: free(),
      CustomHealthCheckConfig: free(),
      InstanceLifecycleConfig: free(),
    },
    attributes: ['ARN', 'FunctionId', 'FunctionName', 'ServiceId', 'ServiceName'],
  },
  // aliyun-fc-trigger. TriggerType values as the page lists them (it names no eventbridge type);
  // TriggerName 1–128 letters, digits, "-" and "_", starting with a letter or "_".
  'ALIYUN::FC::Trigger': {
    properties: {
      ServiceName: req(str({ length: [1, 128] })),
      FunctionName: req(str()),
      TriggerName: req(str({ length: [1, 128], pattern: fcName })),
      TriggerType: req(str({ allowed: ['oss', 'log', 'tablestore', 'timer', 'mns_topic', 'cdn_events', 'http'] })),
      TriggerConfig: req(free()),
      InvocationRole: str(),
      SourceArn: str(),
      Qualifier: str(),
    },
    attributes: ['TriggerId', 'TriggerName', 'FunctionName', 'ServiceName', 'UrlInternet', 'UrlIntranet'],
    check: triggerRoleRule,
  },
  // aliyun-fc-customdomain; ros-cdk-fc RosCustomDomainPropsValidator; Protocol values from FC 2.0 CreateCustomDomain.
  'ALIYUN::FC::CustomDomain': {
    properties: {
      DomainName: req(str()),
      Protocol: req(str({ allowed: ['HTTP', 'HTTP,HTTPS'] })),
      ApiVersion: str(),
      CertConfig: map({ CertName: req(str()), Certificate: req(str()), PrivateKey: req(str()) }),
      RouteConfig: map({ Routes: req(list(map({ Path: req(str()), ServiceName: req(str()), FunctionName: req(str()), Qualifier: str() }))) }),
    },
    attributes: ['Domain', 'DomainName'],
  },
  // aliyun-fc3-function; ros-cdk-fc3 RosFunctionPropsValidator.
  'ALIYUN::FC3::Function': {
    properties: {
      FunctionName: req(str()),
      Handler: req(str()),
      Runtime: req(str()),
      Code: map({ OssBucketName: str(), OssObjectName: str(), ZipFile: str(), SourceCode: str({ length: [undefined, 4096] }), Checksum: str() }),
      Description: str({ length: [undefined, 256] }),
      Cpu: num({ range: [0.05, 16] }),
      MemorySize: int({ range: [128, 65536] }),
      Timeout: int({ range: [1, 86400] }),
      DiskSize: int(),
      InstanceConcurrency: int({ range: [1, 100] }),
      InstanceIsolationMode: str({ allowed: ['SHARE', 'SESSION_EXCLUSIVE', 'REQUEST_EXCLUSIVE'] }),
      EnvironmentVariables: free(),
      Role: str(),
      InternetAccess: bool(),
      LogConfig: map({ Project: str(), Logstore: str(), LogBeginRule: str(), EnableInstanceMetrics: bool(), EnableRequestMetrics: bool() }),
      VpcConfig: map({ VpcId: str(), VSwitchIds: list(str(), { length: [1, 100] }), SecurityGroupId: str() }),
      Layers: list(str(), { length: [1, 100] }),
      NasConfig: free(),
      OssMountConfig: free(),
      CustomContainerConfig: free(),
      CustomRuntimeConfig: free(),
      CustomDns: free(),
      GpuConfig: map({ GpuMemorySize: int(), GpuType: str() }),
      InstanceLifecycleConfig: free(),
      TracingConfig: map({ Type: str(), Params: free() }),
      DisableOndemand: bool(),
      SessionAffinity: str(),
      SessionAffinityConfig: free(),
      Tags: tags(),
    },
    attributes: ['ARN', 'FunctionId', 'FunctionName'],
  },
  // aliyun-fc3-trigger; ros-cdk-fc3 RosTriggerPropsValidator. TriggerType: a String, no values listed
  // (the page: "Constraint: none"; eventbridge is FC 3.0's own CreateTrigger type). TriggerName: 1–128
  // letters, digits, "_" and "-", not starting with a digit or "-" (the page).
  'ALIYUN::FC3::Trigger': {
    properties: {
      FunctionName: req(str()),
      TriggerName: req(str({ length: [1, 128], pattern: /^[A-Za-z_][A-Za-z0-9_-]*$/ })),
      TriggerType: req(str()),
      TriggerConfig: req(free()),
      Description: str(),
      InvocationRole: str(),
      SourceArn: str(),
      Qualifier: str(),
    },
    attributes: ['FunctionName', 'TriggerId', 'TriggerName', 'UrlInternet', 'UrlIntranet'],
  },
  // aliyun-fc3-customdomain; ros-cdk-fc3 RosCustomDomainPropsValidator: AuthConfig is required.
  'ALIYUN::FC3::CustomDomain': {
    properties: {
      DomainName: req(str()),
      Protocol: req(str({ allowed: ['HTTP', 'HTTPS', 'HTTP,HTTPS'] })),
      AuthConfig: req(map({ AuthType: req(str({ allowed: ['anonymous', 'function', 'jwt'] })), AuthInfo: str() })),
      CertConfig: map({ CertName: req(str()), Certificate: req(str()), PrivateKey: req(str()) }),
      RouteConfig: map({
        Routes: req(
          list(
            map({
              Path: req(str()),
              FunctionName: req(str()),
              Qualifier: req(str()),
              Methods: list(str(), { length: [undefined, 10] }),
              RewriteConfig: free(),
            }),
            {
              length: [undefined, 100],
            },
          ),
        ),
      }),
      TlsConfig: map({ MinVersion: req(str()), MaxVersion: str(), CipherSuites: req(list(str(), { length: [undefined, 100] })) }),
      WafConfig: map({ EnableWAF: bool() }),
    },
    attributes: ['DomainName'],
  },
  // aliyun-fc3-asyncinvokeconfig; ros-cdk-fc3 RosAsyncInvokeConfigPropsValidator (retries 0–8, event age
  // 1–604800 s, a destination ≤ 512 characters). No attributes are documented.
  'ALIYUN::FC3::AsyncInvokeConfig': {
    properties: {
      FunctionName: req(str()),
      AsyncTask: bool(),
      DestinationConfig: map({
        OnSuccess: map({ Destination: req(str({ length: [undefined, 512] })) }),
        OnFailure: map({ Destination: req(str({ length: [undefined, 512] })) }),
      }),
      MaxAsyncEventAgeInSeconds: int({ range: [1, 604800] }),
      MaxAsyncRetryAttempts: int({ range: [0, 8] }),
    },
    attributes: [],
  },
  // aliyun-fc3-concurrencyconfig; ros-cdk-fc3 RosConcurrencyConfigPropsValidator (at most 300). No attributes.
  'ALIYUN::FC3::ConcurrencyConfig': {
    properties: { FunctionName: req(str()), ReservedConcurrency: req(int({ range: [undefined, 300] })) },
    attributes: [],
  },
  // aliyun-ots-table; ros-cdk-ots RosTablePropsValidator (SecondaryIndices documented: IndexName,
  // PrimaryKeys, Columns, IndexType Global|Local).
  'ALIYUN::OTS::Table': {
    properties: {
      InstanceName: req(str({ pattern: /^[a-zA-Z][-a-zA-Z0-9]{1,14}[a-zA-Z0-9]$/ })),
      TableName: req(str({ pattern: /^[_a-zA-Z][_a-zA-Z0-9]{0,254}$/ })),
      PrimaryKey: req(
        list(map({ Name: req(str({ pattern: /^[_a-zA-Z][_a-zA-Z0-9]{0,254}$/ })), Type: req(str({ allowed: ['INTEGER', 'STRING', 'BINARY'] })) }), {
          length: [1, 4],
        }),
      ),
      Columns: list(
        map({
          Name: req(str({ pattern: /^[_a-zA-Z][_a-zA-Z0-9]{0,254}$/ })),
          Type: req(str({ allowed: ['INTEGER', 'STRING', 'BINARY', 'BOOLEAN', 'DOUBLE'] })),
        }),
      ),
      TimeToLive: int({ range: [-1, 2147483647] }),
      MaxVersions: int({ range: [1, 2147483647] }),
      DeviationCellVersionInSec: int({ range: [1, Number.MAX_SAFE_INTEGER] }),
      ReservedThroughput: map({ Read: req(int({ range: [0, 5000] })), Write: req(int({ range: [0, 5000] })) }),
      SecondaryIndices: list(
        map({ IndexName: req(str()), PrimaryKeys: req(list(str())), Columns: req(list(str())), IndexType: str({ allowed: ['Global', 'Local'] }) }),
      ),
    },
    attributes: ['TableName'],
  },
  // aliyun-sls-index; ros-cdk-sls RosIndexPropsValidator. No attributes are documented.
  'ALIYUN::SLS::Index': {
    properties: {
      ProjectName: req(str({ length: [3, 63], pattern: /^[a-zA-Z0-9_-]+$/ })),
      LogstoreName: req(str({ length: [3, 63], pattern: /^[a-zA-Z0-9_-]+$/ })),
      FullTextIndex: req(map({ Enable: req(bool()), CaseSensitive: bool(), Delimiter: str(), IncludeChinese: bool() })),
      KeyIndices: list(
        map({
          Name: req(str()),
          Type: req(str({ allowed: ['text', 'long', 'double', 'json'] })),
          Alias: str(),
          CaseSensitive: bool(),
          Delimiter: str(),
          EnableAnalytics: bool(),
          IncludeChinese: bool(),
          JsonKeyIndices: list(map({ Name: req(str()), Type: req(str({ allowed: ['text', 'long', 'double'] })), Alias: str(), EnableAnalytics: bool() })),
        }),
      ),
      LogReduce: bool(),
    },
    attributes: [],
  },
  // aliyun-sls-dashboard; ros-cdk-sls RosDashboardPropsValidator. Charts are free-form maps.
  'ALIYUN::SLS::Dashboard': {
    properties: {
      ProjectName: req(str({ length: [3, 63], pattern: /^[a-zA-Z0-9_-]+$/ })),
      DashboardName: req(str()),
      Charts: req(list(free(), { length: [1, undefined] })),
      Description: str(),
      DisplayName: str({ length: [1, undefined] }),
    },
    attributes: ['DashboardName', 'DisplayName'],
  },
  // aliyun-sls-alert; ros-cdk-sls RosAlertPropsValidator. Detail.Configuration is free-form here.
  'ALIYUN::SLS::Alert': {
    properties: {
      Project: req(str({ length: [3, 63], pattern: /^[a-zA-Z0-9_-]+$/ })),
      Detail: req(
        map({
          Name: req(str()),
          DisplayName: req(str({ length: [1, 64] })),
          Configuration: req(free()),
          Schedule: req(map({ Type: req(str()), Interval: str(), CronExpression: str(), Delay: int(), DayOfWeek: int(), Hour: int(), RunImmediately: bool() })),
          Description: str(),
          State: str(),
          Type: str(),
        }),
      ),
    },
    attributes: ['Name'],
  },
};
