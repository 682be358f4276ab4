// The little XML the emulator writes, and the one parser it reads request bodies with.
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** One element; `children` are already-rendered elements, a string is escaped text. */
export function el(name: string, content: string | number | boolean | string[]): string {
  if (Array.isArray(content)) return `<${name}>${content.join('')}</${name}>`;
  return `<${name}>${escapeXml(String(content))}</${name}>`;
}

export function xmlDocument(root: string): string {
  return `${XML_DECLARATION}\n${root}`;
}

const parser = new XMLParser({
  // OSS values such as RequestId or Days stay strings; we decide what is a number.
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  trimValues: true,
});

/**
 * The emulator's bound on an XML request body (the largest documented one, a CompleteMultipartUpload
 * of 10,000 parts, is about 1 MB); a larger body is treated as not well-formed.
 */
export const MAX_XML_BODY_BYTES = 4 * 1024 * 1024;

/** Parses a request body, or returns undefined when it is not well-formed XML (or over the bound). */
export function parseXmlBody(body: Buffer): Record<string, unknown> | undefined {
  if (body.length > MAX_XML_BODY_BYTES) return undefined;
  const text = body.toString('utf8');
  if (XMLValidator.validate(text) !== true) return undefined;
  try {
    const parsed: unknown = parser.parse(text);
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** ISO 8601 with milliseconds, as OSS writes LastModified in listings. */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString();
}

/** RFC 1123 GMT, as OSS writes Date, Last-Modified and expiry-date. */
export function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}
