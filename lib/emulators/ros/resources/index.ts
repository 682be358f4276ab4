// Which handler makes each resource type: FC 2.0 and FC 3.0 through the local FC's two APIs, RAM
// roles, Tablestore tables, and the Log Service index, dashboard and alert through its API.
import type { ResourceHandler } from './handler';
import { fcCustomDomain, fcFunction, fcService, fcTrigger } from './fc2';
import { fc3AsyncInvokeConfig, fc3ConcurrencyConfig, fc3CustomDomain, fc3Function, fc3Trigger } from './fc3';
import { otsTable } from './ots-table';
import { ramRole } from './ram-role';
import { slsAlert, slsDashboard, slsIndex } from './sls';

export const HANDLERS: Readonly<Record<string, ResourceHandler>> = {
  'ALIYUN::RAM::Role': ramRole,
  'ALIYUN::FC::Service': fcService,
  'ALIYUN::FC::Function': fcFunction,
  'ALIYUN::FC::Trigger': fcTrigger,
  'ALIYUN::FC::CustomDomain': fcCustomDomain,
  'ALIYUN::OTS::Table': otsTable,
  'ALIYUN::FC3::Function': fc3Function,
  'ALIYUN::FC3::Trigger': fc3Trigger,
  'ALIYUN::FC3::CustomDomain': fc3CustomDomain,
  'ALIYUN::FC3::AsyncInvokeConfig': fc3AsyncInvokeConfig,
  'ALIYUN::FC3::ConcurrencyConfig': fc3ConcurrencyConfig,
  'ALIYUN::SLS::Index': slsIndex,
  'ALIYUN::SLS::Dashboard': slsDashboard,
  'ALIYUN::SLS::Alert': slsAlert,
};
