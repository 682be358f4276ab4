// RAM's tag API (2015-05-01 TagResources, UntagResources, ListTagResources), its parameters read and
// checked as the RAM API reference and the official SDK describe them:
//   - ResourceType `role` or `policy` (API reference, all three; required);
//   - ResourceNames: at most 50 (API reference; @alicloud/ram20150501 TagResourcesRequest);
//   - Tag: at most 20 {Key, Value}; a key up to 128 characters, a value up to 256
//     (@alicloud/ram20150501 TagResourcesRequestTag doc comments);
//   - TagKeys (UntagResources): at most 20 (UntagResourcesRequest); All=true removes every tag;
//   - PageSize 1–100 (ListTagResourcesRequest), NextToken from the previous page.
// The official SDK sends the lists "shrunk" to JSON (TagResourcesShrinkRequest: ResourceNames='["a"]',
// Tag='[{"Key":"k","Value":"v"}]'); the flattened RPC form (ResourceNames.1, Tag.1.Key) is read too,
// as older RPC clients send lists that way (unconfirmed whether RAM accepts it).
// Unconfirmed, where the pages are silent: an empty key, and keys starting with `aliyun` or `acs:`
// or values holding `http://`/`https://`, are refused (Alibaba's common tag rule, stated for FC, ECS
// and the Tag service); a missing Value is the empty string.
import type { TaggedKind } from './account';
import { ramErrors } from './errors';

export const MAX_RESOURCE_NAMES = 50;
export const MAX_TAGS_PER_CALL = 20;
const MAX_KEY_CHARS = 128;
const MAX_VALUE_CHARS = 256;
const MAX_PAGE_SIZE = 100;

export function resourceType(params: ReadonlyMap<string, string>): TaggedKind {
  const type = params.get('ResourceType') ?? '';
  if (type === '') throw ramErrors.missingParameter('ResourceType');
  if (type !== 'role' && type !== 'policy') throw ramErrors.invalidParameter('ResourceType', `must be "role" or "policy", not "${type}".`);
  return type;
}

export function resourceNames(params: ReadonlyMap<string, string>, required: boolean): string[] {
  const names = stringList(params, 'ResourceNames', MAX_RESOURCE_NAMES);
  if (required && names.length === 0) throw ramErrors.missingParameter('ResourceNames');
  if (names.some((n) => n === '')) throw ramErrors.invalidParameter('ResourceNames', 'holds an empty name.');
  return [...new Set(names)];
}

export function tagKeys(params: ReadonlyMap<string, string>): string[] {
  return stringList(params, 'TagKeys', MAX_TAGS_PER_CALL);
}

/** The Tag list: for TagResources required and checked; for ListTagResources a filter (a Value may be left out). */
export function tagList(params: ReadonlyMap<string, string>, required: boolean): [string, string | undefined][] {
  const raw = params.get('Tag');
  let tags: [string, string | undefined][];
  if (raw !== undefined && raw !== '') {
    let list: unknown;
    try {
      list = JSON.parse(raw);
    } catch {
      throw ramErrors.invalidParameter('Tag', 'must be a JSON list of {"Key","Value"}.');
    }
    if (!Array.isArray(list)) throw ramErrors.invalidParameter('Tag', 'must be a JSON list of {"Key","Value"}.');
    if (list.length > MAX_TAGS_PER_CALL) throw ramErrors.invalidParameter('Tag', `holds ${list.length} tags; at most ${MAX_TAGS_PER_CALL}.`);
    tags = list.map((t: unknown) => {
      const { Key, Value } = (t ?? {}) as { Key?: unknown; Value?: unknown };
      if (typeof Key !== 'string' || (Value !== undefined && typeof Value !== 'string')) {
        throw ramErrors.invalidParameter('Tag', 'must be a JSON list of {"Key","Value"} strings.');
      }
      return [Key, Value as string | undefined];
    });
  } else {
    tags = [];
    for (let i = 1; params.has(`Tag.${i}.Key`); i++) {
      if (i > MAX_TAGS_PER_CALL) throw ramErrors.invalidParameter('Tag', `holds more than ${MAX_TAGS_PER_CALL} tags.`);
      tags.push([params.get(`Tag.${i}.Key`)!, params.get(`Tag.${i}.Value`)]);
    }
  }
  if (required && tags.length === 0) throw ramErrors.missingParameter('Tag');
  for (const [key, value] of tags) checkTag(key, value ?? '');
  return tags;
}

function checkTag(key: string, value: string): void {
  if (key === '') throw ramErrors.invalidParameter('Tag.Key', 'must not be empty.');
  if ([...key].length > MAX_KEY_CHARS) throw ramErrors.invalidParameter('Tag.Key', `"${key.slice(0, 40)}…" is longer than ${MAX_KEY_CHARS} characters.`);
  if (/^(aliyun|acs:)/i.test(key)) throw ramErrors.invalidParameter('Tag.Key', `"${key}" starts with a prefix Alibaba Cloud keeps (aliyun, acs:).`);
  if ([...value].length > MAX_VALUE_CHARS) throw ramErrors.invalidParameter('Tag.Value', `is longer than ${MAX_VALUE_CHARS} characters.`);
  if (/https?:\/\//i.test(key) || /https?:\/\//i.test(value)) throw ramErrors.invalidParameter('Tag', 'a key or value must not hold http:// or https://.');
}

export function pageOf(params: ReadonlyMap<string, string>): { start: number; size: number } {
  const sizeText = params.get('PageSize') ?? '';
  const size = sizeText === '' ? MAX_PAGE_SIZE : Number(sizeText);
  if (!/^\d{1,3}$/.test(sizeText || '100') || size < 1 || size > MAX_PAGE_SIZE) throw ramErrors.invalidParameter('PageSize', `must be 1 to ${MAX_PAGE_SIZE}.`);
  const token = params.get('NextToken') ?? '';
  if (token !== '' && !/^\d{1,9}$/.test(token)) throw ramErrors.invalidParameter('NextToken', 'is not one a previous ListTagResources answered.');
  return { start: token === '' ? 0 : Number(token), size };
}

function stringList(params: ReadonlyMap<string, string>, name: string, max: number): string[] {
  const raw = params.get(name);
  let out: string[];
  if (raw !== undefined && raw !== '') {
    if (!raw.startsWith('[')) out = [raw];
    else {
      let list: unknown;
      try {
        list = JSON.parse(raw);
      } catch {
        throw ramErrors.invalidParameter(name, 'must be a JSON list of strings.');
      }
      if (!Array.isArray(list) || !list.every((v) => typeof v === 'string')) throw ramErrors.invalidParameter(name, 'must be a JSON list of strings.');
      out = list;
    }
  } else {
    out = [];
    for (let i = 1; params.has(`${name}.${i}`); i++) {
      if (i > max) break;
      out.push(params.get(`${name}.${i}`)!);
    }
    if (params.has(`${name}.${max + 1}`)) out.push('');
  }
  if (out.length > max) throw ramErrors.invalidParameter(name, `holds ${out.length} entries; at most ${max}.`);
  return out;
}
