// The OSS endpoint every client of ours uses, scheme settled here: ali-oss sends a scheme-less
// endpoint over plain http (its default protocol), which would carry our signatures and STS token
// in the clear. A bare host means https; plain http is only for this machine (the emulator).
import { insecureReason } from '../endpoint-scheme';

/** `endpoint` as an https URL (or http to loopback), nothing after the host and port; throws TypeError naming what is wrong. */
export function ossEndpoint(endpoint: string): string {
  const text = endpoint.trim().replace(/\/+$/, '');
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
  let url: URL;
  try {
    url = new URL(hasScheme ? text : `https://${text}`);
  } catch {
    throw new TypeError(`"${endpoint.slice(0, 200)}" is not a host name or an http(s) URL`);
  }
  if (url.username || url.password || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw new TypeError(`"${endpoint.slice(0, 200)}" must be an endpoint with nothing after the host and port`);
  }
  const insecure = insecureReason(url);
  if (insecure) throw new TypeError(`"${endpoint.slice(0, 200)}": ${insecure}`);
  return `${url.protocol}//${url.host}`;
}
