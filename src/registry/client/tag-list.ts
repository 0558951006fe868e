/**
 * GET /v2/<repo>/tags/list, following `Link: <…>; rel="next"` until the last page. The Link
 * target is resolved against the URL that answered, so a mirror's path prefix survives
 * when the mirror writes it, and a registry's absolute link is taken as is.
 */
import { UnavailableError } from '../../errors/index.js';
import type { EndpointSession } from './endpoint-session.js';
import { readBody } from './http-request.js';
import { parseErrcodeBody, registryError } from './registry-errors.js';

const MAX_PAGE_BYTES = 16 * 1024 * 1024;
/** Stops a registry whose Link points back at itself. */
const MAX_PAGES = 10_000;

export function nextLink(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(',')) {
    const match = /<([^>]*)>\s*;(.*)/.exec(part.trim());
    if (match !== null && /rel="?next"?/i.test(match[2] ?? '')) return match[1];
  }
  return undefined;
}

export async function listTags(
  session: EndpointSession,
  repository: string,
  pageSize: number | undefined,
  signal: AbortSignal | undefined,
): Promise<string[]> {
  const base = await session.baseUrl(signal);
  let url: URL | undefined = new URL(`${base}/v2/${repository}/tags/list`);
  if (pageSize !== undefined) url.searchParams.set('n', String(pageSize));
  const tags: string[] = [];
  for (let page = 0; url !== undefined; page++) {
    if (page >= MAX_PAGES)
      throw new UnavailableError(`${repository}: tag list has more than ${MAX_PAGES} pages`);
    const res = await session.request({ method: 'GET', url, signal, followRedirects: true });
    const body = await readBody(res, MAX_PAGE_BYTES);
    if (res.status !== 200) throw registryError(res.status, parseErrcodeBody(body), `tags of ${repository}`);
    let doc: { tags?: unknown };
    try {
      doc = JSON.parse(body.toString('utf8')) as { tags?: unknown };
    } catch {
      throw new UnavailableError(`tags of ${repository}: the registry's answer is not JSON`);
    }
    if (Array.isArray(doc.tags)) for (const tag of doc.tags) if (typeof tag === 'string') tags.push(tag);
    const header = res.headers.link;
    const link = nextLink(Array.isArray(header) ? header.join(', ') : header);
    url = link === undefined ? undefined : new URL(link, url);
  }
  return tags;
}
