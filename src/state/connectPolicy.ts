/**
 * Which hosts the page may fetch from, read from its own Content-Security-Policy (connect-src),
 * so the app can say "this server does not allow that host" instead of a bare "Failed to
 * fetch". The browser enforces the policy; this only explains it. A refused redirect (a Hub
 * sending a file to a CDN the policy does not list) is not foreseen here.
 */

/**
 * The sources of a policy's connect-src (or default-src when it has none); null when the
 * policy does not restrict connections (no policy, or neither directive).
 */
export function connectSourcesOf(policy: string | null): string[] | null {
  if (!policy) return null;
  const directives = new Map<string, string[]>();
  for (const directive of policy.split(';')) {
    const [name, ...sources] = directive.trim().split(/\s+/);
    if (name && !directives.has(name.toLowerCase())) directives.set(name.toLowerCase(), sources);
  }
  return directives.get('connect-src') ?? directives.get('default-src') ?? null;
}

const HOST_SOURCE = /^(?:([a-z][a-z0-9+.-]*):\/\/)?(\*|(?:\*\.)?[^:/]+)(?::(\*|\d+))?(\/.*)?$/i;

/**
 * Whether one of `sources` lets a page at `pageUrl` fetch `url`: CSP's matching for http(s)
 * URLs ('self', `*`, schemes, hosts with `*.` and ports, path prefixes), with http sources
 * also admitting https.
 */
export function connectAllowed(url: string, sources: string[], pageUrl: string): boolean {
  const target = new URL(url);
  const page = new URL(pageUrl);
  const schemeMatches = (scheme: string) =>
    target.protocol === scheme || (scheme === 'http:' && target.protocol === 'https:');
  return sources.some((source) => {
    const lower = source.toLowerCase();
    if (lower === "'self'") return target.origin === page.origin;
    if (lower === '*') return schemeMatches('http:');
    if (/^[a-z][a-z0-9+.-]*:$/.test(lower)) return schemeMatches(lower);
    if (lower.startsWith("'")) return false; // 'none', nonces, hashes: no host
    const parts = HOST_SOURCE.exec(lower);
    if (!parts) return false;
    const [, scheme, host, port, path] = parts;
    if (!schemeMatches(scheme ? `${scheme}:` : page.protocol)) return false;
    const hostMatches =
      host === '*' || (host.startsWith('*.') ? target.hostname.endsWith(host.slice(1)) : target.hostname === host);
    // No port in the source: the URL must use its scheme's default port (URL.port is then '').
    const portMatches =
      port === '*' ||
      (port === undefined
        ? target.port === ''
        : target.port === port || (target.port === '' && defaultPort(target.protocol) === port));
    const pathMatches =
      !path || path === '/' || (path.endsWith('/') ? target.pathname.startsWith(path) : target.pathname === path);
    return hostMatches && portMatches && pathMatches;
  });
}

function defaultPort(protocol: string): string {
  return protocol === 'https:' ? '443' : '80';
}

/**
 * What a person reads when the policy refuses `url`: which host, what that stops (`consequence`,
 * e.g. "the infini-gram API there cannot be asked"), and how to allow it.
 */
export function connectRefusalMessage(url: string, consequence = 'nothing can be loaded from there'): string {
  const origin = new URL(url).origin;
  return (
    `This server's Content-Security-Policy does not let the page fetch from ${origin}, so ${consequence}. ` +
    `Whoever runs it can allow that host: npm start -- --connect-src ${origin} (or TOKENSCOPE_CONNECT_SRC=${origin} npm run dev).`
  );
}

let pagePolicy: Promise<string | null> | null = null;

/** The page's own policy header, from a same-origin HEAD request (null when there is none or the server cannot be asked). */
function readPagePolicy(): Promise<string | null> {
  pagePolicy ??= fetch(location.href.split('#')[0], { method: 'HEAD', cache: 'no-store' })
    .then((response) => response.headers.get('content-security-policy'))
    .catch(() => null);
  return pagePolicy;
}

/** Why the page may not fetch from `url` (connectRefusalMessage); null when it may (or when that cannot be told). */
export async function connectRefusal(url: string, consequence?: string): Promise<string | null> {
  const sources = connectSourcesOf(await readPagePolicy());
  if (sources === null || connectAllowed(url, sources, location.href)) return null;
  return connectRefusalMessage(url, consequence);
}
