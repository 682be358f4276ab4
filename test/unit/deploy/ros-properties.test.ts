// Every property of every resource in the packaged templates is one ROS documents for its type.
// The documented names are written here, from ROS's machine-readable property lists, never from the
// product or the local ROS:
//   rostran = aliyun/alibabacloud-ros-tool-transformer @ 1610ad767f00ae2b490e38cc68533d447bd2f30b,
//             rostran/rules/ros/resource/aliyun_<type>.yml (`Properties`, and `Schema` for the keys
//             inside a Map or a List's items; a `Name$$0` entry is a second mapping of `Name`)
//   CDK     = ROS's own CDK, generated from ROS's resource schemas: npm @alicloud/ros-cdk-fc3 1.11.0,
//             -ots 1.11.0 and -sls 1.11.0, lib/*.generated.js `ros*PropertyToRosTemplate` (where
//             rostran gives no Schema of a Map's keys)
// A property whose inner keys neither source lists is `ANY` (its keys are not checked).
import { beforeAll, describe, expect, it } from 'vitest';
import type { CodeArtifact } from '../../../lib/deploy/ros-fc3';
import { rosTemplateFc3 } from '../../../lib/deploy/ros-fc3';
import { rosTemplateFc2 } from '../../../lib/deploy/ros';
import { readTemplateFile, type TemplateDocument } from '../../../lib/deploy/template';

/** Keys documented inside a Map (or each item of a List of Maps); ANY: not listed. */
type Shape = { readonly [key: string]: Shape } | typeof ANY;
const ANY = 'any' as const;

const DOCUMENTED: Readonly<Record<string, Shape>> = {
  // rostran aliyun_fc3_function.yml
  'ALIYUN::FC3::Function': {
    Code: { Checksum: ANY, OssBucketName: ANY, OssObjectName: ANY, SourceCode: ANY, ZipFile: ANY },
    Cpu: ANY,
    CustomContainerConfig: ANY,
    CustomDns: ANY,
    CustomRuntimeConfig: ANY,
    Description: ANY,
    DisableOndemand: ANY,
    DiskSize: ANY,
    EnvironmentVariables: ANY,
    FunctionName: ANY,
    GpuConfig: { GpuMemorySize: ANY, GpuType: ANY },
    Handler: ANY,
    InstanceConcurrency: ANY,
    InstanceIsolationMode: ANY,
    InstanceLifecycleConfig: ANY,
    InternetAccess: ANY,
    Layers: ANY,
    LogConfig: { EnableInstanceMetrics: ANY, EnableRequestMetrics: ANY, LogBeginRule: ANY, Logstore: ANY, Project: ANY },
    MemorySize: ANY,
    NasConfig: ANY,
    OssMountConfig: ANY,
    Role: ANY,
    Runtime: ANY,
    SessionAffinity: ANY,
    SessionAffinityConfig: ANY,
    // rostran's handle_tags: a list of {Key, Value}.
    Tags: { Key: ANY, Value: ANY },
    Timeout: ANY,
    TracingConfig: ANY,
    VpcConfig: { SecurityGroupId: ANY, VSwitchIds: ANY, VpcId: ANY },
  },
  // rostran aliyun_fc3_trigger.yml (TriggerConfig is a Map of FC's own trigger config: not listed).
  'ALIYUN::FC3::Trigger': {
    Description: ANY,
    FunctionName: ANY,
    InvocationRole: ANY,
    Qualifier: ANY,
    SourceArn: ANY,
    TriggerConfig: ANY,
    TriggerName: ANY,
    TriggerType: ANY,
  },
  // rostran aliyun_fc3_custom_domain.yml; a route's keys: CDK RosCustomDomain RoutesProperty.
  'ALIYUN::FC3::CustomDomain': {
    AuthConfig: { AuthInfo: ANY, AuthType: ANY },
    CertConfig: { CertName: ANY, Certificate: ANY, PrivateKey: ANY },
    DomainName: ANY,
    Protocol: ANY,
    RouteConfig: { Routes: { Path: ANY, FunctionName: ANY, Qualifier: ANY, Methods: ANY, RewriteConfig: ANY } },
    TlsConfig: { CipherSuites: ANY, MaxVersion: ANY, MinVersion: ANY },
    WafConfig: { EnableWAF: ANY },
  },
  // rostran aliyun_fc3_async_invoke_config.yml; DestinationConfig's keys: CDK RosAsyncInvokeConfig
  // DestinationConfigProperty and its OnFailure/OnSuccess {Destination}.
  'ALIYUN::FC3::AsyncInvokeConfig': {
    AsyncTask: ANY,
    DestinationConfig: { OnFailure: { Destination: ANY }, OnSuccess: { Destination: ANY } },
    FunctionName: ANY,
    MaxAsyncEventAgeInSeconds: ANY,
    MaxAsyncRetryAttempts: ANY,
  },
  // rostran aliyun_fc3_concurrency_config.yml
  'ALIYUN::FC3::ConcurrencyConfig': { FunctionName: ANY, ReservedConcurrency: ANY },
  // rostran aliyun_ots_table.yml; an index's keys: CDK RosTable SecondaryIndicesProperty.
  'ALIYUN::OTS::Table': {
    Columns: { Name: ANY, Type: ANY },
    DeviationCellVersionInSec: ANY,
    InstanceName: ANY,
    MaxVersions: ANY,
    PrimaryKey: { Name: ANY, Type: ANY },
    ReservedThroughput: ANY,
    SecondaryIndices: { IndexName: ANY, PrimaryKeys: ANY, Columns: ANY, IndexType: ANY },
    TableName: ANY,
    TimeToLive: ANY,
  },
  // rostran aliyun_ram_role.yml
  'ALIYUN::RAM::Role': {
    AssumeRolePolicyDocument: ANY,
    DeletionForce: ANY,
    Description: ANY,
    IgnoreExisting: ANY,
    MaxSessionDuration: ANY,
    Policies: ANY,
    PolicyAttachments: ANY,
    RoleName: ANY,
    Tags: { Key: ANY, Value: ANY },
  },
  // rostran aliyun_sls_index.yml
  'ALIYUN::SLS::Index': {
    FullTextIndex: { CaseSensitive: ANY, Delimiter: ANY, Enable: ANY, IncludeChinese: ANY },
    KeyIndices: {
      Alias: ANY,
      CaseSensitive: ANY,
      Delimiter: ANY,
      EnableAnalytics: ANY,
      IncludeChinese: ANY,
      JsonKeyIndices: { Alias: ANY, EnableAnalytics: ANY, Name: ANY, Type: ANY },
      Name: ANY,
      Type: ANY,
    },
    LogReduce: ANY,
    LogstoreName: ANY,
    ProjectName: ANY,
  },
  // rostran aliyun_sls_dashboard.yml (Charts: the API's chart maps, not listed).
  'ALIYUN::SLS::Dashboard': { Charts: ANY, DashboardName: ANY, Description: ANY, DisplayName: ANY, ProjectName: ANY },
  // rostran aliyun_sls_alert.yml (Detail's Schema); Configuration's and Schedule's keys, which
  // rostran does not list: CDK RosAlert ConfigurationProperty and the properties it names.
  'ALIYUN::SLS::Alert': {
    Detail: {
      Configuration: {
        Annotations: { Key: ANY, Value: ANY },
        AutoAnnotation: ANY,
        Condition: ANY,
        Dashboard: ANY,
        GroupConfiguration: { Fields: ANY, Type: ANY },
        JoinConfigurations: { Condition: ANY, Type: ANY },
        Labels: { Key: ANY, Value: ANY },
        MuteUntil: ANY,
        NoDataFire: ANY,
        NoDataSeverity: ANY,
        NotificationList: ANY,
        NotifyThreshold: ANY,
        PolicyConfiguration: { ActionPolicyId: ANY, AlertPolicyId: ANY, RepeatInterval: ANY, UseDefault: ANY },
        QueryList: {
          ChartTitle: ANY,
          DashboardId: ANY,
          End: ANY,
          LogStore: ANY,
          PowerSqlMode: ANY,
          Project: ANY,
          Query: ANY,
          Region: ANY,
          RoleArn: ANY,
          Start: ANY,
          Store: ANY,
          StoreType: ANY,
          TimeSpanType: ANY,
        },
        SendResolved: ANY,
        SeverityConfigurations: { EvalCondition: { Condition: ANY, CountCondition: ANY }, Severity: ANY },
        Threshold: ANY,
        Throttling: ANY,
        Type: ANY,
        Version: ANY,
      },
      Description: ANY,
      DisplayName: ANY,
      Name: ANY,
      Schedule: { CronExpression: ANY, DayOfWeek: ANY, Delay: ANY, Hour: ANY, Interval: ANY, RunImmediately: ANY, Type: ANY },
      State: ANY,
      Type: ANY,
    },
    Project: ANY,
  },
  // The FC 2.0 template's types: rostran aliyun_fc_service.yml, aliyun_fc_function.yml,
  // aliyun_fc_trigger.yml, aliyun_fc_custom_domain.yml.
  'ALIYUN::FC::Service': {
    DeletionForce: ANY,
    Description: ANY,
    InternetAccess: ANY,
    LogConfig: { EnableRequestMetrics: ANY, LogBeginRule: ANY, Logstore: ANY, Project: ANY },
    NasConfig: ANY,
    OssMountConfig: ANY,
    Role: ANY,
    ServiceName: ANY,
    Tags: ANY,
    TracingConfig: { Params: ANY, Type: ANY },
    VpcBindings: ANY,
    VpcConfig: { SecurityGroupId: ANY, VSwitchIds: ANY, VpcId: ANY, ZoneId: ANY },
  },
  'ALIYUN::FC::Function': {
    AsyncConfiguration: ANY,
    CAPort: ANY,
    Code: ANY,
    Cpu: ANY,
    CustomContainerConfig: ANY,
    CustomDNS: ANY,
    CustomHealthCheckConfig: ANY,
    CustomRuntimeConfig: ANY,
    Description: ANY,
    DiskSize: ANY,
    EnvironmentVariables: ANY,
    FunctionName: ANY,
    GpuMemorySize: ANY,
    Handler: ANY,
    InitializationTimeout: ANY,
    Initializer: ANY,
    InstanceConcurrency: ANY,
    InstanceLifecycleConfig: ANY,
    InstanceSoftConcurrency: ANY,
    InstanceType: ANY,
    MemorySize: ANY,
    Runtime: ANY,
    ServiceName: ANY,
    Timeout: ANY,
  },
  'ALIYUN::FC::Trigger': {
    FunctionName: ANY,
    InvocationRole: ANY,
    Qualifier: ANY,
    ServiceName: ANY,
    SourceArn: ANY,
    TriggerConfig: ANY,
    TriggerName: ANY,
    TriggerType: ANY,
  },
  'ALIYUN::FC::CustomDomain': {
    ApiVersion: ANY,
    CertConfig: { CertName: ANY, Certificate: ANY, PrivateKey: ANY },
    DomainName: ANY,
    Protocol: ANY,
    RouteConfig: { Routes: ANY },
  },
};

/** A resource's own keys (ROS "Template structure", Resources). */
const RESOURCE_KEYS = ['Type', 'Properties', 'Condition', 'DependsOn', 'DeletionPolicy', 'Metadata', 'Description'];

/** An intrinsic stands for a value ROS computes: its inside is not the property's keys. */
const isIntrinsic = (value: object): boolean => {
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::'));
};

/** Where a value has a key its documented shape does not list. */
function undocumented(value: unknown, shape: Shape, where: string): string[] {
  if (shape === ANY || value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((item, i) => undocumented(item, shape, `${where}[${i}]`));
  if (isIntrinsic(value)) {
    // Fn::If's branches are values of the property.
    const ifBranches = (value as { 'Fn::If'?: unknown[] })['Fn::If'];
    return ifBranches ? ifBranches.slice(1).flatMap((b, i) => undocumented(b, shape, `${where}.Fn::If[${i + 1}]`)) : [];
  }
  return Object.entries(value).flatMap(([key, inner]) => (key in shape ? undocumented(inner, shape[key]!, `${where}.${key}`) : [`${where}.${key}`]));
}

/** Every undocumented key of the template's resources, and every resource of a type not listed here. */
function check(doc: TemplateDocument): string[] {
  return Object.entries(doc.Resources ?? {}).flatMap(([id, resource]) => {
    const type = String(resource.Type);
    const shape = DOCUMENTED[type];
    if (!shape) return [`${id}: type ${type} has no documented list here`];
    const own = Object.keys(resource)
      .filter((k) => !RESOURCE_KEYS.includes(k))
      .map((k) => `${id}.${k}`);
    return [...own, ...undocumented(resource.Properties ?? {}, shape, `${id} (${type}).Properties`)];
  });
}

const FUNCTIONS = ['access-log', 'http', 'storage-event', 'sweeper'];
const uri = (fn: string) => `oss://artifacts/releases/${fn}-0123.zip`;

describe('the packaged templates use only properties ROS documents', () => {
  let fc3: TemplateDocument;
  let fc2: TemplateDocument;
  const types = (doc: TemplateDocument) => [...new Set(Object.values(doc.Resources ?? {}).map((r) => String(r.Type)))].sort();

  beforeAll(async () => {
    const code: Record<string, CodeArtifact> = Object.fromEntries(FUNCTIONS.map((fn) => [fn, { uri: uri(fn), checksum: '1234567890' }]));
    fc3 = rosTemplateFc3(await readTemplateFile('template.yml'), code);
    fc2 = rosTemplateFc2(await readTemplateFile('template.yml'), Object.fromEntries(FUNCTIONS.map((fn) => [fn, uri(fn)])));
  });

  it('FC 3.0: every ALIYUN::FC3::*, ALIYUN::OTS::Table, ALIYUN::RAM::Role and ALIYUN::SLS::* resource', () => {
    // The template has each kind of resource this test is about (so none is checked by its absence).
    expect(types(fc3)).toEqual(
      expect.arrayContaining([
        'ALIYUN::FC3::AsyncInvokeConfig',
        'ALIYUN::FC3::ConcurrencyConfig',
        'ALIYUN::FC3::CustomDomain',
        'ALIYUN::FC3::Function',
        'ALIYUN::FC3::Trigger',
        'ALIYUN::OTS::Table',
        'ALIYUN::RAM::Role',
        'ALIYUN::SLS::Alert',
        'ALIYUN::SLS::Dashboard',
        'ALIYUN::SLS::Index',
      ]),
    );
    expect(check(fc3)).toEqual([]);
  });

  it('FC 2.0: every ALIYUN::FC::*, ALIYUN::OTS::Table, ALIYUN::RAM::Role and ALIYUN::SLS::* resource', () => {
    expect(types(fc2)).toEqual(
      expect.arrayContaining([
        'ALIYUN::FC::CustomDomain',
        'ALIYUN::FC::Function',
        'ALIYUN::FC::Service',
        'ALIYUN::FC::Trigger',
        'ALIYUN::OTS::Table',
        'ALIYUN::RAM::Role',
        'ALIYUN::SLS::Alert',
        'ALIYUN::SLS::Dashboard',
        'ALIYUN::SLS::Index',
      ]),
    );
    expect(check(fc2)).toEqual([]);
  });

  it('would name a property ROS does not document, at any depth, and a type with no list', () => {
    const doc = structuredClone(fc3);
    const resources = doc.Resources as Record<string, { Properties: Record<string, unknown> }>;
    resources.HttpFunction!.Properties.ServiceName = 'not FC 3.0';
    resources.HttpFunction!.Properties.LogConfig = { 'Fn::If': ['HasLogs', { Project: 'p', LogStore: 'l' }, { Ref: 'ALIYUN::NoValue' }] };
    resources.RecordsTable!.Properties.PrimaryKey = [{ Name: 'k', Type: 'STRING', AutoIncrement: true }];
    (resources as Record<string, unknown>).Extra = { Type: 'ALIYUN::FC3::Alias', Properties: {} };
    (resources as Record<string, unknown>).Typo = { Type: 'ALIYUN::RAM::Role', Propreties: {} };
    expect(check(doc)).toEqual([
      'HttpFunction (ALIYUN::FC3::Function).Properties.LogConfig.Fn::If[1].LogStore',
      'HttpFunction (ALIYUN::FC3::Function).Properties.ServiceName',
      'RecordsTable (ALIYUN::OTS::Table).Properties.PrimaryKey[0].AutoIncrement',
      'Extra: type ALIYUN::FC3::Alias has no documented list here',
      'Typo.Propreties',
    ]);
  });
});
