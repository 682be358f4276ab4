// Alert resource data: users, user groups, webhook integrations, action policies … are records of
// account-wide resources, not of a project ("Data structure of alert resource data",
// help.aliyun.com/zh/sls/developer-reference/data-structure-of-alert-resource-data: a record is
// {id, tag, value} with `value` the record's JSON as a string; the action policy's id is its
// `action_policy_id`, a webhook integration's its `id`). Paths as aliyun-log-go-sdk sends them
// (resource_record.go): POST /resources/{name}/records, GET|PUT /resources/{name}/records/{id},
// DELETE /resources/{name}/records?ids=a,b, GET /resources/{name}/records (offset/size) → {items,
// count, total}; no project in the Host. The service keeps them in one region (terraform's
// alicloud_log_resource_record: "log resource region should be set a main region: cn-heyuan");
// the emulator keeps them per emulator. The not-found and already-exists codes are unconfirmed.
import { slsErrors, SlsError } from './errors';

export interface ResourceRecord {
  id: string;
  tag: string;
  value: string;
  createTime: number;
  lastModifyTime: number;
}

/** What each documented resource's value must hold, and which of its fields is the record's id and tag. */
const DOCUMENTED: Readonly<Record<string, { id: string; tag: string; required: Record<string, 'string' | 'boolean' | 'object' | 'array'> }>> = {
  'sls.alert.action_policy': {
    id: 'action_policy_id',
    tag: 'action_policy_name',
    required: { action_policy_id: 'string', action_policy_name: 'string', primary_policy_script: 'string' },
  },
  'sls.alert.action_webhook': {
    id: 'id',
    tag: 'name',
    required: { id: 'string', name: 'string', type: 'string', url: 'string', method: 'string', headers: 'array' },
  },
  'sls.common.user': { id: 'user_id', tag: 'user_name', required: { user_id: 'string', user_name: 'string' } },
  'sls.common.user_group': { id: 'user_group_id', tag: 'user_group_name', required: { user_group_id: 'string', user_group_name: 'string', members: 'array' } },
};

/** Webhook integration types ("Create a webhook": DingTalk, WeCom, Lark, Slack, universal). */
const WEBHOOK_TYPES = ['dingtalk', 'wechat', 'lark', 'slack', 'custom'];
const RESOURCE_NAME = /^[a-z][a-z0-9_.]{2,127}$/;
const RECORD_ID = /^[A-Za-z0-9_.-]{1,128}$/;
const MAX_VALUE_CHARS = 64 * 1024;
const MAX_RECORDS = 1000;

export const resourceErrors = {
  recordNotExist: (resource: string, id: string) => new SlsError(404, 'ResourceRecordNotExist', `resource record ${resource}/${id} does not exist`),
  recordAlreadyExist: (resource: string, id: string) => new SlsError(400, 'ResourceRecordAlreadyExist', `resource record ${resource}/${id} already exists`),
};

function invalid(why: string): never {
  throw slsErrors.parameterInvalid(why);
}

function typeOf(v: unknown): string {
  return Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
}

/** Validates a CreateResourceRecord / UpdateResourceRecord body; `id` is the path's for an update. */
export function parseRecord(resource: string, raw: Record<string, unknown>, pathId?: string): { id: string; tag: string; value: string } {
  if (!RESOURCE_NAME.test(resource)) invalid(`resource name ${resource} is invalid`);
  const id = raw.id;
  if (typeof id !== 'string' || !RECORD_ID.test(id)) invalid('id must be 1 to 128 letters, digits, "_", "." or "-"');
  if (pathId !== undefined && id !== pathId) invalid('id in the body differs from the one in the path');
  if (typeof raw.tag !== 'string' || raw.tag === '') invalid('tag is missing');
  if (typeof raw.value !== 'string') invalid('value must be the record as a JSON string');
  if (raw.value.length > MAX_VALUE_CHARS) invalid(`value is longer than ${MAX_VALUE_CHARS} characters`);
  let value: unknown;
  try {
    value = JSON.parse(raw.value);
  } catch {
    invalid('value is not JSON');
  }
  if (typeOf(value) !== 'object') invalid('value must be a JSON object');
  const record = value as Record<string, unknown>;
  const rules = DOCUMENTED[resource];
  if (rules) {
    for (const [field, type] of Object.entries(rules.required)) {
      if (typeOf(record[field]) !== type) invalid(`value.${field} must be a ${type}`);
    }
    if (record[rules.id] !== id) invalid(`id must equal value.${rules.id}`);
    if (record[rules.tag] !== raw.tag) invalid(`tag must equal value.${rules.tag}`);
    if (resource === 'sls.alert.action_webhook') {
      if (!WEBHOOK_TYPES.includes(record.type as string)) invalid(`value.type must be one of ${WEBHOOK_TYPES.join(', ')}`);
      if (!/^https?:\/\/[^\s/]+/.test(record.url as string)) invalid('value.url must be an http(s) URL');
    }
    if (resource === 'sls.alert.action_policy' && (record.primary_policy_script as string).trim() === '') invalid('value.primary_policy_script is empty');
  }
  return { id, tag: raw.tag, value: raw.value };
}

export class ResourceRecords {
  private readonly byResource = new Map<string, Map<string, ResourceRecord>>();

  constructor(private readonly nowMs: () => number) {}

  private records(resource: string): Map<string, ResourceRecord> {
    let records = this.byResource.get(resource);
    if (!records) {
      records = new Map();
      this.byResource.set(resource, records);
    }
    return records;
  }

  create(resource: string, body: Record<string, unknown>): void {
    const parsed = parseRecord(resource, body);
    const records = this.records(resource);
    if (records.has(parsed.id)) throw resourceErrors.recordAlreadyExist(resource, parsed.id);
    if (records.size >= MAX_RECORDS) invalid(`the emulator holds at most ${MAX_RECORDS} records per resource`);
    const now = Math.floor(this.nowMs() / 1000);
    records.set(parsed.id, { ...parsed, createTime: now, lastModifyTime: now });
  }

  get(resource: string, id: string): ResourceRecord {
    const record = this.byResource.get(resource)?.get(id);
    if (!record) throw resourceErrors.recordNotExist(resource, id);
    return record;
  }

  update(resource: string, id: string, body: Record<string, unknown>): void {
    const existing = this.get(resource, id);
    const parsed = parseRecord(resource, body, id);
    this.records(resource).set(id, { ...existing, ...parsed, lastModifyTime: Math.floor(this.nowMs() / 1000) });
  }

  /** DeleteResourceRecord `?ids=a,b`: every named record that exists goes (a missing one is ignored: unconfirmed). */
  delete(resource: string, ids: readonly string[]): void {
    if (ids.length === 0 || ids.length > 200) invalid('ids must name 1 to 200 records');
    for (const id of ids) this.byResource.get(resource)?.delete(id);
  }

  list(resource: string, offset: number, size: number): { items: ResourceRecord[]; count: number; total: number } {
    const all = [...(this.byResource.get(resource)?.values() ?? [])].sort((a, b) => (a.id < b.id ? -1 : 1));
    const items = all.slice(offset, offset + size);
    return { items, count: items.length, total: all.length };
  }
}
