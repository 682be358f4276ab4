// A logstore's index, as CreateIndex/UpdateIndex take it and GetIndex answers it. Wire names and
// shapes from the 2020-12-30 OpenAPI models (@alicloud/sls20201230 `Index`, `IndexKey`,
// `IndexJsonKey`, `IndexLine`, `GetIndexResponseBody`: `line{token, caseSensitive, chn,
// include_keys, exclude_keys}`, `keys{name: {type, token, caseSensitive, chn, alias, doc_value,
// json_keys, index_all, max_depth}}`, `max_text_len`, `log_reduce*`), rules from "Create indexes"
// (document_detail/90732.html): key types text/long/double/json, text needs delimiters, analytics
// (SQL) need `doc_value`. Messages are the emulator's own (the reference gives none: unconfirmed).
import { slsErrors } from './errors';

export type KeyType = 'text' | 'long' | 'double' | 'json';
const KEY_TYPES: readonly KeyType[] = ['text', 'long', 'double', 'json'];

export interface IndexKey {
  type: KeyType;
  token?: string[];
  caseSensitive?: boolean;
  chn?: boolean;
  alias?: string;
  doc_value?: boolean;
  json_keys?: Record<string, IndexKey>;
  index_all?: boolean;
  max_depth?: number;
}

export interface IndexLine {
  token: string[];
  caseSensitive?: boolean;
  chn?: boolean;
  include_keys?: string[];
  exclude_keys?: string[];
}

export interface IndexConfig {
  line?: IndexLine;
  keys?: Record<string, IndexKey>;
  max_text_len?: number;
  log_reduce?: boolean;
  log_reduce_white_list?: string[];
  log_reduce_black_list?: string[];
}

/** Bounds the emulator holds an index to (the console's limits; exact service limits unconfirmed). */
const MAX_KEYS = 500;
const MAX_TOKENS = 100;
const MAX_KEY_NAME = 128;

function invalid(why: string): never {
  throw slsErrors.parameterInvalid(`index config is invalid: ${why}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function optionalBoolean(o: Record<string, unknown>, name: string, where: string): boolean | undefined {
  const v = o[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') invalid(`${where}.${name} must be true or false`);
  return v;
}

function stringList(v: unknown, where: string, max: number): string[] {
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) invalid(`${where} must be a list of strings`);
  if (v.length > max) invalid(`${where} has more than ${max} entries`);
  return v as string[];
}

/** Delimiters are single characters ("Create indexes": each delimiter is one character). */
function tokens(v: unknown, where: string): string[] {
  const list = stringList(v, where, MAX_TOKENS);
  if (list.length === 0) invalid(`${where} needs at least one delimiter`);
  for (const t of list) if ([...t].length !== 1) invalid(`${where} entries must be single characters, got "${t}"`);
  return list;
}

function keyName(name: string, where: string): void {
  if (name === '' || name.length > MAX_KEY_NAME) invalid(`${where} name must be 1 to ${MAX_KEY_NAME} characters`);
}

/**
 * @alicloud/sls20201230 5.9.0 sends the keys inside `keys` and `json_keys` with its TypeScript names
 * (docValue, indexAll, jsonKeys, maxDepth) rather than the documented ones (observed: its toMap maps
 * only a model's own fields, not models inside a map). Whether the service accepts them is
 * unconfirmed; the emulator reads either spelling and answers the documented one.
 */
const SDK_SPELLINGS: Readonly<Record<string, string>> = { docValue: 'doc_value', indexAll: 'index_all', jsonKeys: 'json_keys', maxDepth: 'max_depth' };

function documentedNames(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...raw };
  for (const [sdk, documented] of Object.entries(SDK_SPELLINGS)) {
    if (out[documented] === undefined && out[sdk] !== undefined) out[documented] = out[sdk];
    delete out[sdk];
  }
  return out;
}

function parseKey(given: unknown, where: string, nested: boolean): IndexKey {
  if (!isObject(given)) invalid(`${where} must be an object`);
  const raw = documentedNames(given);
  const type = raw.type;
  if (typeof type !== 'string' || !KEY_TYPES.includes(type as KeyType)) invalid(`${where}.type must be one of ${KEY_TYPES.join(', ')}`);
  if (nested && type === 'json') invalid(`${where}.type json cannot be nested in json_keys`);
  const key: IndexKey = { type: type as KeyType };
  if (type === 'text' || (type === 'json' && raw.token !== undefined)) key.token = tokens(raw.token, `${where}.token`);
  const caseSensitive = optionalBoolean(raw, 'caseSensitive', where);
  if (caseSensitive !== undefined) key.caseSensitive = caseSensitive;
  const chn = optionalBoolean(raw, 'chn', where);
  if (chn !== undefined) key.chn = chn;
  const docValue = optionalBoolean(raw, 'doc_value', where);
  if (docValue !== undefined) key.doc_value = docValue;
  if (raw.alias !== undefined && raw.alias !== '') {
    if (typeof raw.alias !== 'string') invalid(`${where}.alias must be a string`);
    key.alias = raw.alias;
  }
  if (type === 'json') {
    const indexAll = optionalBoolean(raw, 'index_all', where);
    if (indexAll !== undefined) key.index_all = indexAll;
    if (raw.max_depth !== undefined) {
      if (!Number.isInteger(raw.max_depth) || (raw.max_depth as number) < -1) invalid(`${where}.max_depth must be an integer, -1 for no limit`);
      key.max_depth = raw.max_depth as number;
    }
    if (raw.json_keys !== undefined) {
      if (!isObject(raw.json_keys)) invalid(`${where}.json_keys must be an object`);
      const sub: Record<string, IndexKey> = {};
      for (const [name, value] of Object.entries(raw.json_keys)) {
        keyName(name, `${where}.json_keys`);
        sub[name] = parseKey(value, `${where}.json_keys.${name}`, true);
      }
      key.json_keys = sub;
    }
    if ((key.index_all || key.json_keys) && !key.token) invalid(`${where}.token is needed to index json text values`);
  } else if (raw.json_keys !== undefined || raw.index_all !== undefined) {
    invalid(`${where}: json_keys and index_all belong to type json`);
  }
  return key;
}

/** Validates a CreateIndex/UpdateIndex body; throws ParameterInvalid naming the first problem. */
export function parseIndexConfig(raw: unknown): IndexConfig {
  if (!isObject(raw)) invalid('the body must be a JSON object');
  const config: IndexConfig = {};
  if (raw.line !== undefined && raw.line !== null) {
    if (!isObject(raw.line)) invalid('line must be an object');
    const line: IndexLine = { token: tokens(raw.line.token, 'line.token') };
    const caseSensitive = optionalBoolean(raw.line, 'caseSensitive', 'line');
    if (caseSensitive !== undefined) line.caseSensitive = caseSensitive;
    const chn = optionalBoolean(raw.line, 'chn', 'line');
    if (chn !== undefined) line.chn = chn;
    if (raw.line.include_keys !== undefined) line.include_keys = stringList(raw.line.include_keys, 'line.include_keys', MAX_KEYS);
    if (raw.line.exclude_keys !== undefined) line.exclude_keys = stringList(raw.line.exclude_keys, 'line.exclude_keys', MAX_KEYS);
    // "Create indexes": include and exclude lists are alternatives.
    if (line.include_keys?.length && line.exclude_keys?.length) invalid('line.include_keys and line.exclude_keys cannot both be set');
    config.line = line;
  }
  if (raw.keys !== undefined && raw.keys !== null) {
    if (!isObject(raw.keys)) invalid('keys must be an object of field name → index');
    const names = Object.keys(raw.keys);
    if (names.length > MAX_KEYS) invalid(`keys has more than ${MAX_KEYS} fields`);
    const keys: Record<string, IndexKey> = {};
    for (const name of names) {
      keyName(name, 'keys');
      keys[name] = parseKey(raw.keys[name], `keys.${name}`, false);
    }
    config.keys = keys;
  }
  if (!config.line && (!config.keys || Object.keys(config.keys).length === 0)) invalid('it needs a full-text index (line) or field indexes (keys)');
  if (raw.max_text_len !== undefined) {
    // GetIndexResponseBody: "Valid values: 64 to 16384".
    const n = raw.max_text_len;
    if (!Number.isInteger(n) || (n as number) < 64 || (n as number) > 16384) invalid('max_text_len must be an integer from 64 to 16384');
    config.max_text_len = n as number;
  }
  const logReduce = optionalBoolean(raw, 'log_reduce', 'index');
  if (logReduce !== undefined) config.log_reduce = logReduce;
  if (raw.log_reduce_white_list !== undefined) config.log_reduce_white_list = stringList(raw.log_reduce_white_list, 'log_reduce_white_list', MAX_KEYS);
  if (raw.log_reduce_black_list !== undefined) config.log_reduce_black_list = stringList(raw.log_reduce_black_list, 'log_reduce_black_list', MAX_KEYS);
  return config;
}

/** GetIndex's answer: the config plus `ttl` (the logstore's), `lastModifyTime`, `index_mode`, `storage`. */
export function describeIndex(config: IndexConfig, ttl: number, lastModifyTimeMs: number): Record<string, unknown> {
  return {
    ...config,
    max_text_len: config.max_text_len ?? 2048,
    log_reduce: config.log_reduce ?? false,
    ttl,
    lastModifyTime: Math.floor(lastModifyTimeMs / 1000),
    index_mode: 'v2',
    storage: 'pg',
  };
}

/** What a field name refers to in the index: a key, or a sub-key of a json key (`key.sub`). */
export interface ResolvedKey {
  key: IndexKey;
  /** The log field that holds the value (the key itself, an alias's key, or a json key's root). */
  field: string;
  /** For `root.path` under a json key: the dotted path inside the JSON value. */
  jsonPath?: string;
}

export function indexedKey(config: IndexConfig, name: string): ResolvedKey | undefined {
  const direct = config.keys?.[name];
  if (direct) return { key: direct, field: name };
  for (const [root, key] of Object.entries(config.keys ?? {})) {
    if (key.type !== 'json' || !name.startsWith(`${root}.`)) continue;
    const path = name.slice(root.length + 1);
    const sub = key.json_keys?.[path];
    if (sub) return { key: sub, field: root, jsonPath: path };
    if (key.index_all) return { key: { type: 'text', token: key.token, caseSensitive: key.caseSensitive }, field: root, jsonPath: path };
  }
  // Aliases name the same field ("Create indexes": an alias is usable in analytic statements).
  for (const [field, key] of Object.entries(config.keys ?? {})) if (key.alias === name) return { key, field };
  return undefined;
}
