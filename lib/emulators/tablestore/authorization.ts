// Which RAM action and resource authorize each Tablestore operation the emulator serves, in one
// table. Sources: Tablestore "Custom RAM policy" (help/en/tablestore/tablestore-ram-policy; doc 27362):
// actions are ots:<Operation>; resources acs:ots:{region}:{uid}:instance/{instance}/table/{table};
// "instance names are not case-sensitive, however the instance_name field in Resource must be in lower
// case". Rows marked "unconfirmed" are our reading where those pages are silent.
import type { AccessRequest } from '../shared/access';
import { decodeMessage, type PbBatchGetRowRequest, type PbBatchWriteRowRequest } from './protocol';

/** What names the table(s) of an operation's request. */
type Tables = 'table' | 'main-table' | 'instance' | 'batch';

export const OTS_ACTIONS: Readonly<Record<string, Tables>> = {
  CreateTable: 'table',
  DescribeTable: 'table',
  UpdateTable: 'table',
  DeleteTable: 'table',
  AddDefinedColumn: 'table',
  GetRow: 'table',
  PutRow: 'table',
  UpdateRow: 'table',
  DeleteRow: 'table',
  /** A read of an index names the index as its table (unconfirmed that RAM sees the index name). */
  GetRange: 'table',
  /**
   * Index management is authorized on the main table (unconfirmed: the pages name no index resource).
   */
  CreateIndex: 'main-table',
  DropIndex: 'main-table',
  /**
   * ListTable names no table. The emulator asks for `…/instance/{instance}/table/*` (unconfirmed: an older
   * edition of the custom-policy page lists ListTable under `instance/[instance_name]/table*`; a grant on
   * `…/instance/{instance}` alone does not cover it here).
   */
  ListTable: 'instance',
  /** Every table a batch names is authorized; one refusal refuses the request (unconfirmed). */
  BatchGetRow: 'batch',
  BatchWriteRow: 'batch',
};

/** The access requests for one call (one per table a batch names), or none for an unknown operation. */
export function otsAccessRequests(
  operation: string,
  target: { region: string; ownerId: string; instance: string },
  body: Uint8Array,
  context: Readonly<Record<string, string>>,
): AccessRequest[] {
  const kind = OTS_ACTIONS[operation];
  if (!kind) return [];
  const base = `acs:ots:${target.region}:${target.ownerId}:instance/${target.instance.toLowerCase()}/table/`;
  const action = `ots:${operation}`;
  const at = (table: string): AccessRequest => ({ action, resource: `${base}${table}`, context });
  switch (kind) {
    case 'instance':
      return [at('*')];
    case 'table': {
      const pb = decodeMessage<{ tableName?: string; tableMeta?: { tableName?: string } }>(`main.proto.${operation}Request`, body);
      return [at(pb.tableName ?? pb.tableMeta?.tableName ?? '')];
    }
    case 'main-table': {
      const pb = decodeMessage<{ mainTableName?: string }>(`main.proto.${operation}Request`, body);
      return [at(pb.mainTableName ?? '')];
    }
    case 'batch': {
      const pb = decodeMessage<PbBatchGetRowRequest | PbBatchWriteRowRequest>(`main.proto.${operation}Request`, body);
      return [...new Set(pb.tables.map((t) => t.tableName))].map(at);
    }
  }
}
