// `thaw tables create`: the Tablestore tables, made or upgraded outside a deploy.
import { createTables } from '../../deploy/tables';
import { command } from '../command';

export const tablesCreateCommand = command({
  name: 'tables create',
  summary: 'create the Tablestore tables if missing, and give older ones the new indexes',
  details: 'Reads THAW_TABLESTORE_ENDPOINT, THAW_TABLESTORE_INSTANCE, THAW_TABLE and the credentials ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET.',
  options: {},
  async run({ env }) {
    await createTables(env);
  },
});
