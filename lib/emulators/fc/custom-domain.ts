// FC 2.0 custom domains (API 2016-08-15 /custom-domains: CreateCustomDomain, GetCustomDomain,
// UpdateCustomDomain, DeleteCustomDomain, ListCustomDomains; help.aliyun.com/document_detail/175234):
//   domainName   the domain (in the cloud: ICP-filed, CNAMEd to <uid>.<region>.fc.aliyuncs.com)
//   protocol     "HTTP" or "HTTP,HTTPS"; HTTPS needs certConfig {certName, certificate, privateKey}
//                (PEM; the key must belong to the certificate: unconfirmed, the console refuses a mismatch)
//   routeConfig  {routes: [{path, serviceName, functionName, qualifier, methods}]}: a path is exact
//                ("/login") or a prefix ending in "/*" ("/login/*"); an exact route wins over a
//                prefix, a longer prefix over a shorter one (FC "Configure custom domain names")
// Answers carry accountId, apiVersion, createdTime and lastModifiedTime; the private key is not
// answered back (unconfirmed). Locally, names under the special-use "localhost" (RFC 6761) are
// accepted too, so a custom domain can be reached on a laptop without DNS.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { fcErrors } from './errors';

const HTTP_METHODS = ['HEAD', 'DELETE', 'POST', 'GET', 'OPTIONS', 'PUT', 'PATCH'];
/** RFC 1123 labels, at least two of them (a public domain), or a localhost name. */
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;
const MAX_ROUTES = 100;

export interface Route {
  readonly path: string;
  readonly serviceName: string;
  readonly functionName: string;
  readonly qualifier: string;
  readonly methods?: readonly string[];
}

export interface CustomDomainRecord {
  accountId: string;
  apiVersion: string;
  domainName: string;
  protocol: 'HTTP' | 'HTTP,HTTPS';
  certConfig?: { certName: string; certificate: string; privateKey: string };
  routeConfig: { routes: Route[] };
  createdTime: string;
  lastModifiedTime: string;
}

export function checkedDomainName(value: unknown): string {
  const name = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (!DOMAIN.test(name) && name !== 'localhost') {
    throw fcErrors.invalidArgument(`domainName "${String(value)}" is not a domain name (e.g. api.example.com)`);
  }
  return name;
}

/** The fields of a Create/UpdateCustomDomain body, checked; `current` fills what an update leaves out. */
export function checkedDomainFields(
  body: Record<string, unknown>,
  current?: Pick<CustomDomainRecord, 'protocol' | 'certConfig' | 'routeConfig'>,
): Pick<CustomDomainRecord, 'protocol' | 'certConfig' | 'routeConfig'> {
  for (const key of Object.keys(body)) {
    if (!['domainName', 'protocol', 'certConfig', 'routeConfig', 'apiVersion'].includes(key)) {
      throw fcErrors.invalidArgument(`${key} is not a field of a custom domain (domainName, protocol, certConfig, routeConfig)`);
    }
  }
  const protocol = body.protocol === undefined ? (current?.protocol ?? 'HTTP') : body.protocol;
  if (protocol !== 'HTTP' && protocol !== 'HTTP,HTTPS')
    throw fcErrors.invalidArgument(`protocol must be "HTTP" or "HTTP,HTTPS" (got ${JSON.stringify(protocol)})`);
  const certConfig = body.certConfig === undefined ? current?.certConfig : checkedCert(body.certConfig);
  if (protocol === 'HTTP,HTTPS' && !certConfig) throw fcErrors.invalidArgument('protocol HTTP,HTTPS needs certConfig {certName, certificate, privateKey}');
  const routeConfig = body.routeConfig === undefined ? (current?.routeConfig ?? { routes: [] }) : checkedRoutes(body.routeConfig);
  return { protocol, ...(certConfig ? { certConfig } : {}), routeConfig };
}

export function checkedCert(value: unknown): CustomDomainRecord['certConfig'] {
  const c = value as Record<string, unknown> | null;
  if (!c || typeof c !== 'object' || Array.isArray(c)) throw fcErrors.invalidArgument('certConfig must be an object {certName, certificate, privateKey}');
  for (const field of ['certName', 'certificate', 'privateKey']) {
    if (typeof c[field] !== 'string' || c[field] === '') throw fcErrors.invalidArgument(`certConfig.${field} must be a non-empty string`);
  }
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(String(c.certificate));
  } catch {
    throw fcErrors.invalidArgument('certConfig.certificate is not a PEM certificate');
  }
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey(String(c.privateKey));
  } catch {
    throw fcErrors.invalidArgument('certConfig.privateKey is not a PEM private key');
  }
  if (!certificate.checkPrivateKey(key)) throw fcErrors.invalidArgument('certConfig.privateKey does not belong to certConfig.certificate');
  return { certName: String(c.certName), certificate: String(c.certificate), privateKey: String(c.privateKey) };
}

function checkedRoutes(value: unknown): { routes: Route[] } {
  const r = value as { routes?: unknown } | null;
  if (!r || typeof r !== 'object' || !Array.isArray(r.routes)) throw fcErrors.invalidArgument('routeConfig must be {routes: [...]}');
  if (r.routes.length > MAX_ROUTES) throw fcErrors.invalidArgument(`routeConfig.routes holds at most ${MAX_ROUTES} routes`);
  const seen = new Set<string>();
  const routes = r.routes.map((raw, i) => {
    const route = raw as Record<string, unknown> | null;
    const where = `routeConfig.routes[${i}]`;
    if (!route || typeof route !== 'object') throw fcErrors.invalidArgument(`${where} must be an object {path, serviceName, functionName}`);
    const path = route.path;
    if (
      typeof path !== 'string' ||
      !path.startsWith('/') ||
      path.length > 2048 ||
      (path.includes('*') && !path.endsWith('/*')) ||
      path.indexOf('*') !== path.lastIndexOf('*')
    ) {
      throw fcErrors.invalidArgument(`${where}.path must start with "/" and may only end in "/*" (got ${JSON.stringify(path)})`);
    }
    if (seen.has(path)) throw fcErrors.invalidArgument(`${where}.path ${path} is routed twice`);
    seen.add(path);
    for (const field of ['serviceName', 'functionName']) {
      if (typeof route[field] !== 'string' || route[field] === '') throw fcErrors.invalidArgument(`${where}.${field} must be a non-empty string`);
    }
    if (route.qualifier !== undefined && typeof route.qualifier !== 'string') throw fcErrors.invalidArgument(`${where}.qualifier must be a string`);
    let methods: string[] | undefined;
    if (route.methods !== undefined) {
      if (!Array.isArray(route.methods) || route.methods.some((m) => !HTTP_METHODS.includes(String(m)))) {
        throw fcErrors.invalidArgument(`${where}.methods must be a list of ${HTTP_METHODS.join(', ')}`);
      }
      methods = route.methods.map(String);
    }
    return {
      path,
      serviceName: String(route.serviceName),
      functionName: String(route.functionName),
      qualifier: typeof route.qualifier === 'string' && route.qualifier !== '' ? route.qualifier : 'LATEST',
      ...(methods ? { methods } : {}),
    };
  });
  return { routes };
}

/** The route a request path takes: an exact route first, then the longest "/*" prefix. */
export function routeFor<R extends { readonly path: string }>(routes: readonly R[], path: string): R | undefined {
  const exact = routes.find((r) => !r.path.endsWith('/*') && r.path === path);
  if (exact) return exact;
  let best: R | undefined;
  for (const r of routes) {
    if (!r.path.endsWith('/*')) continue;
    const prefix = r.path.slice(0, -1);
    // "/api/*" takes "/api/x" and "/api" itself; "/*" takes everything.
    if ((path.startsWith(prefix) || path === prefix.slice(0, -1)) && (!best || r.path.length > best.path.length)) best = r;
  }
  return best;
}

/** What the API answers for a domain: everything but the private key. */
export function domainView(record: CustomDomainRecord): Record<string, unknown> {
  const { certConfig, ...rest } = record;
  return { ...rest, ...(certConfig ? { certConfig: { certName: certConfig.certName, certificate: certConfig.certificate } } : {}) };
}
