// Which handler makes each resource type. FC 3.0 types stay validated-only until the local FC serves
// the FC 3.0 API (2023-03-30); the Log Service types likewise (the local Log Service is reached
// through its own signed API, which this emulator does not speak yet).
import type { ResourceHandler } from './handler';
import { validatedOnly } from './handler';
import { fcCustomDomain, fcFunction, fcService, fcTrigger } from './fc2';
import { otsTable } from './ots-table';
import { ramRole } from './ram-role';

const FC3 = 'the local FC does not serve the FC 3.0 API (2023-03-30) yet: ALIYUN::FC3::* resources are validated, not made';
const SLS = 'the local ROS does not make Log Service resources yet: ALIYUN::SLS::* resources are validated, not made';

export const HANDLERS: Readonly<Record<string, ResourceHandler>> = {
  'ALIYUN::RAM::Role': ramRole,
  'ALIYUN::FC::Service': fcService,
  'ALIYUN::FC::Function': fcFunction,
  'ALIYUN::FC::Trigger': fcTrigger,
  'ALIYUN::FC::CustomDomain': fcCustomDomain,
  'ALIYUN::OTS::Table': otsTable,
  'ALIYUN::FC3::Function': validatedOnly(FC3),
  'ALIYUN::FC3::Trigger': validatedOnly(FC3),
  'ALIYUN::FC3::CustomDomain': validatedOnly(FC3),
  'ALIYUN::SLS::Index': validatedOnly(SLS),
  'ALIYUN::SLS::Dashboard': validatedOnly(SLS),
  'ALIYUN::SLS::Alert': validatedOnly(SLS),
};
