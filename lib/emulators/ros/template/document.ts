// A ROS template as ROS reads it: JSON or YAML (with the short forms !Ref, !Sub, !GetAtt …), at most
// 524,288 bytes (CreateStack TemplateBody: "1 to 524,288 bytes"), version 2015-09-01, only the
// documented sections, and resources of a known shape ("Reasons for template verification failure":
// a resource holds Type, Properties, Metadata, DependsOn, DeletionPolicy, Description — and
// Condition ("Conditions": the Condition property of a resource); a resource id has no "/").
// DeletionPolicy is Delete (the default) or Retain (ROS "Resources", "Remove a resource from a
// stack"; ROS CDK core RosDeletionPolicy: DELETE, RETAIN).
import { parse as parseYaml, type Tags } from 'yaml';
import { TemplateInvalid } from '../errors';

export const MAX_TEMPLATE_BYTES = 524_288;
/** CreateStack: "A maximum of 200 resources can be created within a stack." */
export const MAX_RESOURCES = 200;

const SECTIONS = new Set([
  'ROSTemplateFormatVersion',
  'Description',
  'Metadata',
  'Parameters',
  'Mappings',
  'Conditions',
  'Rules',
  'Resources',
  'Outputs',
  'Transform',
  'Locals',
  'Workspace',
]);
/** Sections ROS documents that this emulator does not evaluate: refused by name rather than ignored. */
const NOT_EMULATED_SECTIONS = new Set(['Rules', 'Transform', 'Locals', 'Workspace', 'Mappings']);
const RESOURCE_KEYS = new Set(['Type', 'Properties', 'Metadata', 'DependsOn', 'DeletionPolicy', 'Description', 'Condition']);
export const DELETION_POLICIES = ['Delete', 'Retain'] as const;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface ResourceDeclaration {
  readonly Type: string;
  readonly Properties?: Record<string, Json>;
  readonly DependsOn?: string | string[];
  readonly Condition?: string;
  readonly DeletionPolicy?: (typeof DELETION_POLICIES)[number];
}

export interface Template {
  readonly Description?: string;
  readonly Parameters: Record<string, Record<string, Json>>;
  readonly Conditions: Record<string, Json>;
  readonly Resources: Record<string, ResourceDeclaration>;
  readonly Outputs: Record<string, { Value: Json; Description?: string; Condition?: string }>;
}

/** YAML short forms, each the one-key map of its long form (ROS "Function index"; !GetAtt takes "Res.Attr"). */
const SHORT_FORMS: Tags = ['Ref', 'Sub', 'GetAtt', 'Join', 'Split', 'Select', 'If', 'Equals', 'Not', 'And', 'Or', 'Base64Encode', 'Str'].flatMap((name) => {
  const key = name === 'Ref' ? 'Ref' : `Fn::${name}`;
  const resolve = (value: unknown) => {
    if (name === 'GetAtt' && typeof value === 'string') {
      const dot = value.indexOf('.');
      return { [key]: dot === -1 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
    }
    return { [key]: value };
  };
  return (['scalar', 'seq', 'map'] as const).map((collection) => ({
    tag: `!${name}`,
    collection: collection === 'scalar' ? undefined : collection,
    resolve: (value: unknown) => resolve(value && typeof value === 'object' && 'toJSON' in value ? (value as { toJSON(): unknown }).toJSON() : value),
  })) as Tags;
});

export function parseTemplate(body: string): Template {
  if (Buffer.byteLength(body) > MAX_TEMPLATE_BYTES) throw new TemplateInvalid(`the template is over ${MAX_TEMPLATE_BYTES} bytes`);
  let doc: unknown;
  try {
    doc = body.trimStart().startsWith('{') ? JSON.parse(body) : parseYaml(body, { customTags: SHORT_FORMS, maxAliasCount: 1000, version: '1.2' });
  } catch (err) {
    throw new TemplateInvalid(`the template is neither JSON nor YAML: ${(err as Error).message}`);
  }
  if (!isMap(doc)) throw new TemplateInvalid('the template must be a map of sections');
  for (const section of Object.keys(doc)) {
    if (!SECTIONS.has(section)) throw new TemplateInvalid(`unknown template section "${section}"`);
    if (NOT_EMULATED_SECTIONS.has(section)) throw new TemplateInvalid(`the template section "${section}" is not emulated by the local ROS`);
  }
  if (doc.ROSTemplateFormatVersion !== '2015-09-01') throw new TemplateInvalid('ROSTemplateFormatVersion must be "2015-09-01"');
  const parameters = mapSection(doc, 'Parameters');
  const conditions = mapSection(doc, 'Conditions');
  const resources = mapSection(doc, 'Resources');
  const outputs = mapSection(doc, 'Outputs');
  if (Object.keys(resources).length > MAX_RESOURCES) throw new TemplateInvalid(`a stack holds at most ${MAX_RESOURCES} resources`);
  for (const [id, resource] of Object.entries(resources)) checkResource(id, resource);
  for (const [name, p] of Object.entries(parameters)) if (!isMap(p)) throw new TemplateInvalid(`parameter ${name} must be a map`);
  for (const [name, o] of Object.entries(outputs)) {
    if (!isMap(o) || !('Value' in o)) throw new TemplateInvalid(`output ${name} must be a map with a Value`);
  }
  if (doc.Description !== undefined && typeof doc.Description !== 'string') throw new TemplateInvalid('Description must be a string');
  return {
    ...(typeof doc.Description === 'string' ? { Description: doc.Description } : {}),
    Parameters: parameters as Template['Parameters'],
    Conditions: conditions as Template['Conditions'],
    Resources: resources as unknown as Template['Resources'],
    Outputs: outputs as unknown as Template['Outputs'],
  };
}

function checkResource(id: string, resource: unknown): void {
  if (id.includes('/')) throw new TemplateInvalid(`resource id "${id}" contains "/"`);
  if (!isMap(resource)) throw new TemplateInvalid(`resource ${id} must be a map`);
  for (const key of Object.keys(resource)) {
    if (key === 'Count') throw new TemplateInvalid(`resource ${id}: Count is not emulated by the local ROS`);
    if (!RESOURCE_KEYS.has(key)) throw new TemplateInvalid(`resource ${id} has "${key}"; a resource holds ${[...RESOURCE_KEYS].join(', ')}`);
  }
  if (typeof resource.Type !== 'string') throw new TemplateInvalid(`resource ${id} needs a Type string`);
  if (resource.Properties !== undefined && !isMap(resource.Properties)) throw new TemplateInvalid(`resource ${id}: Properties must be a map`);
  const dependsOn = resource.DependsOn;
  if (dependsOn !== undefined && typeof dependsOn !== 'string' && !(Array.isArray(dependsOn) && dependsOn.every((d) => typeof d === 'string'))) {
    throw new TemplateInvalid(`resource ${id}: DependsOn must be a resource id or a list of them`);
  }
  if (resource.Condition !== undefined && typeof resource.Condition !== 'string')
    throw new TemplateInvalid(`resource ${id}: Condition must be a condition name`);
  if (resource.DeletionPolicy !== undefined && !(DELETION_POLICIES as readonly unknown[]).includes(resource.DeletionPolicy))
    throw new TemplateInvalid(`resource ${id}: DeletionPolicy must be ${DELETION_POLICIES.join(' or ')}`);
}

function mapSection(doc: Record<string, unknown>, name: string): Record<string, unknown> {
  const value = doc[name];
  if (value === undefined || value === null) return {};
  if (!isMap(value)) throw new TemplateInvalid(`the ${name} section must be a map`);
  return value;
}

export function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
