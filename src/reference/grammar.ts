/**
 * The image reference grammar of the distribution project (reference/regexp.go), written out
 * from its rules: what `docker pull`, `docker tag` and registries accept. The pieces are kept
 * as source strings so the anchored and the embedded forms are built from one definition.
 *
 *   reference  := name [ ":" tag ] [ "@" digest ]
 *   name       := [ domain "/" ] remote-name          (at most 255 characters)
 *   domain     := host [ ":" port ]                   host: dns labels, or [IPv6]
 *   remote-name:= component ( "/" component )*        component: [a-z0-9]+ joined by [._] | __ | -+
 *   tag        := [\w][\w.-]{0,127}
 *   digest     := algorithm ":" hex                   (at least 32 hex digits)
 */

const alphanumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domainName = `${domainComponent}(?:\\.${domainComponent})*`;
const ipv6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const port = '[0-9]+';

export const DOMAIN_SOURCE = `(?:${domainName}|${ipv6})(?::${port})?`;
export const REMOTE_NAME_SOURCE = `${pathComponent}(?:/${pathComponent})*`;
export const NAME_SOURCE = `(?:${DOMAIN_SOURCE}/)?${REMOTE_NAME_SOURCE}`;
export const TAG_SOURCE = '[\\w][\\w.-]{0,127}';
export const DIGEST_SOURCE = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';

/** name, tag and digest of a whole reference, as capture groups 1, 2 and 3. */
export const REFERENCE_PATTERN = new RegExp(
  `^(${NAME_SOURCE})(?::(${TAG_SOURCE}))?(?:@(${DIGEST_SOURCE}))?$`,
);
/** A name split into its optional domain (group 1) and its path (group 2). */
export const NAME_PATTERN = new RegExp(`^(?:(${DOMAIN_SOURCE})/)?(${REMOTE_NAME_SOURCE})$`);
export const TAG_PATTERN = new RegExp(`^${TAG_SOURCE}$`);
export const DOMAIN_PATTERN = new RegExp(`^${DOMAIN_SOURCE}$`);
/** A full image id without its algorithm: Docker refuses it as a repository name. */
export const IDENTIFIER_PATTERN = /^[a-f0-9]{64}$/;
/** A possibly shortened image id (what `docker rmi 3f5e` accepts). */
export const SHORT_IDENTIFIER_PATTERN = /^[a-f0-9]{1,64}$/;

/** Longest name (domain and path together) registries accept. */
export const NAME_TOTAL_LENGTH_MAX = 255;
