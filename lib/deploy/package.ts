// `thaw package --bucket B [--prefix P] [--platform fc2|fc3]`: the ROS path. Builds and zips every
// function, uploads the zips to OSS with ali-oss (named by checksum, so an unchanged function is not
// uploaded again and an old stack keeps its code), and writes .build/template.<platform>.packaged.yml:
// a ROS template of native resources for the platform (ros.ts: FC 2.0, ros-fc3.ts: FC 3.0, the
// default as for a new stack of thaw deploy) whose functions take their code from those zips. That
// file goes to `aliyun ros CreateStack --TemplateBody` as it is.
//
// An artifact is trusted by its content, never by its name: a zip already under the expected key
// is used only when its size and MD5 (OSS's ETag of a PutObject) are ours; anything else there is
// someone else's write, and packaging stops. Uploads say x-oss-forbid-overwrite and Content-MD5, so
// they never replace an object and OSS refuses a body that was changed on the way.
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import OSS from 'ali-oss';
import { stringify } from 'yaml';
import { buildCode, type FunctionCode, zipPathOf } from '../build/code';
import type { Credentials } from '../wiring';
import { failureKind, NetworkError, ParameterError, PermissionError, reasonOf } from './errors';
import { OwnershipError } from './errors';
import { DEFAULT_PLATFORM, PLATFORM_NAMES, type Platform } from './platform';
import { rosTemplateFc2 } from './ros';
import { type CodeArtifact, type Fc3Note, rosTemplateFc3 } from './ros-fc3';
import { readTemplateFile } from './template';

export interface PackageOptions {
  readonly templatePath: string;
  readonly bucket: string;
  /** Key prefix for the zips, e.g. "oss-thaw/". */
  readonly prefix: string;
  /** OSS endpoint the zips are uploaded through. */
  readonly ossEndpoint: string;
  readonly credentials: Credentials;
  /** Default: where the template goes for the platform (defaultOutput). */
  readonly output?: string;
  /** The Function Compute the template's resources are for (default FC 3.0). */
  readonly platform?: Platform;
  readonly buildDir?: string;
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
  const artifacts: Record<string, CodeArtifact> = {};
  for (const c of code.values()) {
    const key = `${options.prefix}${c.name}-${c.checksum}.zip`;
    await writeFile(zipPathOf(c), c.zip);
    const uri = `oss://${options.bucket}/${key}`;
    const md5 = createHash('md5').update(c.zip).digest();
    try {
      const found = await existing(oss, key);
      if (found) {
        if (found.size !== c.zip.length || found.etag !== md5.toString('hex').toUpperCase()) {
          throw new OwnershipError(
            `${uri} exists but is not the zip of ${c.name} (${found.size} bytes, ETag ${found.etag}; ours: ${c.zip.length} bytes, MD5 ${md5.toString('hex').toUpperCase()}): someone else wrote it; remove it, or package under another --prefix`,
          );
        }
        options.out(`  ${c.name}: ${uri} (already uploaded, same MD5 and size)\n`);
      } else {
        await oss.put(key, Buffer.from(c.zip), {
          headers: { 'Content-Type': 'application/zip', 'Content-MD5': md5.toString('base64'), 'x-oss-forbid-overwrite': 'true' },
        } as OSS.PutObjectOptions);
        options.out(`  ${c.name}: ${uri} (${(c.zip.length / 1024).toFixed(0)} KiB uploaded)\n`);
      }
    } catch (err) {
      throw artifactError(err, uri, options);
    }
    codeUris[c.name] = uri;
    artifacts[c.name] = { uri, checksum: c.checksum };
  }
  const platform = options.platform ?? DEFAULT_PLATFORM;
  const output = options.output ?? defaultOutput('.', platform);
  const left: string[] = [];
  const needs: Fc3Note[] = [];
  const template = platform === 'fc2' ? rosTemplateFc2(doc, codeUris, left) : rosTemplateFc3(doc, artifacts, needs);
  const packaged = stringify(template, {
    // YAML 1.1 quoting: a parser of that version (as ROS's may be) would read 2015-09-01 as a date, yes/no as booleans.
    version: '1.1',
    aliasDuplicateObjects: false,
    lineWidth: 0,
  });
  await mkdir(dirname(output), { recursive: true });
  await writeFile(output, `# Written by thaw package from template.yml for ${PLATFORM_NAMES[platform]}; deploy it with ROS as it is.\n${packaged}`);
  for (const event of left) {
    options.out(
      `note: ${event} is left out: ROS documents no eventbridge type for ALIYUN::FC::Trigger; finished restores are recorded by the sweeper and status reads instead (thaw deploy makes it)\n`,
    );
  }
  for (const note of needs) options.out(`note: ${note.event} needs ${note.needs}\n`);
  options.out(`packaged template (${PLATFORM_NAMES[platform]}): ${output}\n`);
  return { output, codeUris };
}

async function existing(oss: OSS, key: string): Promise<{ size: number; etag: string } | undefined> {
  try {
    const head = await oss.head(key);
    const headers = head.res.headers as Record<string, string>;
    return { size: Number(headers['content-length']), etag: String(headers.etag ?? '').replace(/"/g, '') };
  } catch (err) {
    if ((err as { status?: number }).status === 404) return undefined;
    throw err;
  }
}

function artifactError(err: unknown, uri: string, options: PackageOptions): Error {
  if (err instanceof OwnershipError) return err;
  if ((err as { code?: string }).code === 'FileAlreadyExists')
    return new OwnershipError(`${uri} appeared while it was being uploaded (someone else wrote it): run thaw package again to check it`);
  const kind = failureKind(err);
  if (kind === 'network')
    return new NetworkError(`OSS at ${options.ossEndpoint} could not be reached (${reasonOf(err)}): check the network or --oss-endpoint`, { cause: err });
  if (kind === 'permission' || kind === 'credentials')
    return new PermissionError(
      `OSS refused the upload of ${uri} (${reasonOf(err)}): the packager needs oss:GetObject and oss:PutObject on acs:oss:*:*:${options.bucket}/${options.prefix}*`,
      {
        cause: err,
      },
    );
  return new ParameterError(`${uri} could not be uploaded: ${reasonOf(err)}`, { cause: err });
}

/** Where the template goes by default: one file per platform, so packaging for one keeps the other's. */
export function defaultOutput(root: string, platform: Platform = DEFAULT_PLATFORM): string {
  return join(root, '.build', `template.${platform}.packaged.yml`);
}

export type { FunctionCode };
