// The local cloud of test/support/deploy-target.ts (RAM stand-in, FC 2.0 and FC 3.0 APIs, OSS, Tablestore, Log Service) with the
// local ROS in front of it, and Alibaba's ROS SDK (@alicloud/ros20190910, unmodified) pointed at it.
import ROS, * as $ROS from '@alicloud/ros20190910';
import { type RosEmulator, startRosEmulator } from '../../lib/emulators/ros';
import { DEFAULT_OWNER_ID } from '../../lib/emulators/oss';
import { type DeployTarget, startDeployTarget } from './deploy-target';

export { $ROS };

export interface RosTarget {
  readonly cloud: DeployTarget;
  readonly ros: RosEmulator;
  readonly fcEndpoint: string;
  readonly accountId: string;
  client(keys?: { accessKeyId: string; accessKeySecret: string }): ROS;
  /** CreateStack with a template body and parameters; answers the stack id. */
  createStack(name: string, templateBody: string, parameters?: Record<string, string>, extra?: Partial<$ROS.CreateStackRequest>): Promise<string>;
  /** GetStack until its status no longer ends in _IN_PROGRESS. */
  settled(stackId: string): Promise<$ROS.GetStackResponseBody>;
  close(): Promise<void>;
}

export async function startRosTarget(): Promise<RosTarget> {
  const cloud = await startDeployTarget();
  const target = cloud.targetWith(cloud.credentials);
  const ts = cloud.tablestore.describe() as { instance: string; endpoint: string };
  const ros = await startRosEmulator({
    access: cloud.ram.account,
    accountId: DEFAULT_OWNER_ID,
    endpoints: {
      ram: cloud.ramEndpoint,
      fc: target.fcEndpoint,
      fc3: target.fcEndpoint,
      oss: cloud.parameters.OssEndpoint,
      tablestore: { [ts.instance]: ts.endpoint },
      sls: cloud.sls.endpoint,
    },
  });
  const Client = ((ROS as unknown as { default?: typeof ROS }).default ?? ROS) as typeof ROS;
  const client = (keys = cloud.credentials) =>
    new Client({ ...keys, endpoint: ros.host, protocol: 'http', regionId: 'cn-hangzhou', readTimeout: 20_000, connectTimeout: 5_000 } as never);
  return {
    cloud,
    ros,
    fcEndpoint: target.fcEndpoint!,
    accountId: DEFAULT_OWNER_ID,
    client,
    async createStack(name, templateBody, parameters = {}, extra = {}) {
      const response = await client().createStack(
        new $ROS.CreateStackRequest({
          regionId: 'cn-hangzhou',
          stackName: name,
          templateBody,
          parameters: Object.entries(parameters).map(
            ([parameterKey, parameterValue]) => new $ROS.CreateStackRequestParameters({ parameterKey, parameterValue }),
          ),
          ...extra,
        }),
      );
      return response.body!.stackId!;
    },
    async settled(stackId) {
      await ros.store.idle();
      return (await client().getStack(new $ROS.GetStackRequest({ regionId: 'cn-hangzhou', stackId }))).body!;
    },
    async close() {
      await ros.close();
      await cloud.close();
    },
  };
}
