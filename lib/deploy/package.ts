// `thaw package --bucket B [--prefix P]`: the ROS path. Builds and zips every function, uploads
// the zips to OSS with ali-oss (named by checksum, so an unchanged function is not uploaded again
// and an old stack keeps its code), and writes .build/template.packaged.yml: template.yml with
// every CodeUri an oss:// location, which the Aliyun::Serverless transform requires (ROS cannot read
// a local folder). That file goes to `aliyun ros CreateStack --TemplateBody` as it is.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import OSS from 'ali-oss';
import { stringify } from 'yaml';
import type { Credentials } from '../wiring';
import { buildCode, type FunctionCode, zipPathOf } from '../build/code';
import { ParameterError } from './errors';
import { readTemplateFile, type TemplateDocument } from './template';

export interface PackageOptions {
  readonly templatePath: string;
  readonly bucket: string;
  /** Key prefix for the zips, e.g. "oss-thaw/". */
  readonly prefix: string;
  /** OSS endpoint the zips are uploaded through (THAW_OSS_ENDPOINT, as the functions take it). */
  readonly ossEndpoint: string;
  readonly credentials: Credentials;
  readonly output: string;
  readonly buildDir?: string;
  /** Leave EventBridge events out, for a ROS transform that refuses them (unconfirmed; README). */
  readonly omitEventBridge?: boolean;
  readonly out: (text: string) => void;
}

export interface Packaged {
  readonly output: string;
  /** Function name → oss://bucket/key */
  readonly codeUris: Record<string, string>;
}

export async function packageStack(options: PackageOptions): Promise<Packaged> {
  if (!/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(options.bucket)) throw new ParameterError(`--bucket "${options.bucket}" is not a valid OSS bucket name`);
  const doc = await readTemplateFile(options.templatePath);
  const code = await buildCode({ outDir: options.buildDir });
  const oss = new OSS({
    endpoint: options.ossEndpoint,
    bucket: options.bucket,
    accessKeyId: options.credentials.accessKeyId,
    accessKeySecret: options.credentials.accessKeySecret,
    stsToken: options.credentials.securityToken,
    timeout: 120_000,
  });
  const codeUris: Record<string, string> = {};
  for (const c of code.values()) {
    const key = `${options.prefix}${c.name}-${c.checksum}.zip`;
    await writeFile(zipPathOf(c), c.zip);
    if (await exists(oss, key)) {
      options.out(`  ${c.name}: oss://${options.bucket}/${key} (already uploaded)\n`);
    } else {
      await oss.put(key, Buffer.from(c.zip), { headers: { 'Content-Type': 'application/zip' } } as OSS.PutObjectOptions);
      options.out(`  ${c.name}: oss://${options.bucket}/${key} (${(c.zip.length / 1024).toFixed(0)} KiB uploaded)\n`);
    }
    codeUris[c.name] = `oss://${options.bucket}/${key}`;
  }
  const packaged = packagedTemplate(doc, codeUris, options.omitEventBridge ?? false);
  await mkdir(dirname(options.output), { recursive: true });
  await writeFile(options.output, `# Written by thaw package from template.yml; deploy it with ROS as it is.\n${packaged}`);
  options.out(`packaged template: ${options.output}\n`);
  return { output: options.output, codeUris };
}

/** template.yml with oss:// CodeUris, intrinsics in their long form ({"Fn::Sub": …}), aliases expanded. */
export function packagedTemplate(doc: TemplateDocument, codeUris: Readonly<Record<string, string>>, omitEventBridge: boolean): string {
  const copy = structuredClone(doc) as TemplateDocument;
  for (const resource of Object.values(copy.Resources ?? {})) {
    if (resource.Type !== 'Aliyun::Serverless::Service') continue;
    for (const [name, fn] of Object.entries(resource)) {
      const f = fn as { Type?: string; Properties?: Record<string, unknown>; Events?: Record<string, { Type?: string }> };
      if (f?.Type !== 'Aliyun::Serverless::Function') continue;
      const uri = codeUris[name];
      if (!uri) throw new ParameterError(`no zip was built for function ${name} (functions/${name}/index.ts)`);
      f.Properties = { ...f.Properties, CodeUri: uri };
      if (omitEventBridge && f.Events) {
        for (const [event, e] of Object.entries(f.Events)) if (e.Type === 'EventBridge') delete f.Events[event];
      }
    }
  }
  // YAML 1.1 quoting: a parser of that version (as ROS's may be) would read 2015-09-01 as a date, yes/no as booleans.
  return stringify(copy, { version: '1.1', aliasDuplicateObjects: false, lineWidth: 0 });
}

async function exists(oss: OSS, key: string): Promise<boolean> {
  try {
    await oss.head(key);
    return true;
  } catch (err) {
    if ((err as { status?: number }).status === 404) return false;
    throw err;
  }
}

export function defaultOutput(root: string): string {
  return join(root, '.build', 'template.packaged.yml');
}

export type { FunctionCode };
