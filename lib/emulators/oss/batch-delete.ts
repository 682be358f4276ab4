// DeleteMultipleObjects (POST /?delete), from its API reference (alibabacloud.com/help/doc-detail/31983.htm)
// and sample answers: up to 1,000 objects per call; the body is checked against Content-MD5; in a
// versioned bucket an object named without VersionId gets a delete marker, one named with a
// VersionId loses that version; Quiet mode answers without the list. Unconfirmed: the Code for a
// list over 1,000 or empty (MalformedXML here), and that a missing key is reported as deleted.
import { createHash } from 'node:crypto';
import { header, xmlResponse, type OperationContext, type OssResponse } from './context';
import { ossErrors } from './errors';
import { el, parseXmlBody } from './xml';

export const MAX_BATCH_DELETE = 1000;

interface Named {
  readonly key: string;
  readonly versionId: string | undefined;
}

function parseDeleteBody(body: Buffer): { quiet: boolean; objects: Named[] } {
  const doc = parseXmlBody(body);
  const root = doc?.Delete;
  if (!doc || Object.keys(doc).length !== 1 || root === null || typeof root !== 'object') throw ossErrors.malformedXml('0016-00000706');
  const fields = root as Record<string, unknown>;
  const raw = fields.Object;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  if (list.length === 0 || list.length > MAX_BATCH_DELETE) throw ossErrors.malformedXml('0016-00000706');
  const quiet = fields.Quiet === undefined ? false : String(fields.Quiet).toLowerCase() === 'true';
  const objects = list.map((item) => {
    const entry = (item ?? {}) as Record<string, unknown>;
    if (typeof entry.Key !== 'string' || entry.Key === '') throw ossErrors.malformedXml('0016-00000706');
    if (entry.VersionId !== undefined && typeof entry.VersionId !== 'string') throw ossErrors.malformedXml('0016-00000706');
    return { key: entry.Key, versionId: entry.VersionId as string | undefined };
  });
  return { quiet, objects };
}

/** The objects a DeleteMultipleObjects body names, or none when it cannot be read (the handler answers that). */
export function objectsNamedIn(body: Buffer): readonly Named[] {
  try {
    return parseDeleteBody(body).objects;
  } catch {
    return [];
  }
}

export function deleteMultipleObjects(ctx: OperationContext, bucketName: string): OssResponse {
  ctx.store.bucket(bucketName);
  const declared = header(ctx.req, 'content-md5');
  if (declared === undefined) throw ossErrors.missingContentMd5();
  if (declared !== createHash('md5').update(ctx.req.body).digest('base64')) throw ossErrors.invalidDigest();
  const { quiet, objects } = parseDeleteBody(ctx.req.body);
  const encode = ctx.req.query.get('encoding-type') === 'url' ? (t: string) => encodeURIComponent(t) : (t: string) => t;

  const deleted: string[] = [];
  let delta = 0;
  for (const { key, versionId } of objects) {
    const entry: string[] = [el('Key', encode(key))];
    if (versionId !== undefined) {
      entry.push(el('VersionId', versionId));
      const removed = ctx.store.deleteVersion(bucketName, key, versionId);
      if (removed?.deleteMarker) entry.push(el('DeleteMarker', true), el('DeleteMarkerVersionId', removed.versionId));
      if (removed) {
        if (!removed.deleteMarker) delta -= removed.body.length;
        ctx.emit('ObjectRemoved:DeleteObjects', removed, removed.deleteMarker ? 0 : -removed.body.length);
      }
    } else {
      const { marker, removed } = ctx.store.deleteCurrent(bucketName, key, ctx.nowMs);
      if (marker) {
        entry.push(el('DeleteMarker', true), el('DeleteMarkerVersionId', marker.versionId));
        ctx.emit('ObjectRemoved:DeleteMarkerCreated', marker, 0);
      } else if (removed && !removed.deleteMarker) {
        delta -= removed.body.length;
        ctx.emit('ObjectRemoved:DeleteObjects', removed, -removed.body.length);
      }
    }
    deleted.push(el('Deleted', entry));
  }
  ctx.facts.deltaDataSize = delta;
  const encodingType = ctx.req.query.get('encoding-type') === 'url' ? [el('EncodingType', 'url')] : [];
  return xmlResponse(el('DeleteResult', [...encodingType, ...(quiet ? [] : deleted)]));
}
