/**
 * POST /commit: a new image from a container's changes (moby's postCommit). The body, when
 * there is one, is a container config to start from; the docker CLI sends `null`. `pause`
 * defaults to true, as dockerd has done since API 1.13. Answers 201 with the image id.
 */
import { InvalidArgumentError } from '../../../errors/index.js';
import type { CommitBackend } from '../backends-commit.js';
import { readRequestBody } from '../body.js';
import type { RouteDefinition } from '../handler-context.js';
import { queryBoolean } from '../query.js';
import { sendJson } from '../respond.js';

/** A commit's config is small; anything bigger is not one. */
const CONFIG_LIMIT = 1024 * 1024;

export function commitRoutes(backend: CommitBackend): RouteDefinition[] {
  return [
    {
      method: 'POST',
      path: '/commit',
      handler: async (ctx) => {
        const { query } = ctx;
        const body = (await readRequestBody(ctx.req, CONFIG_LIMIT)).toString('utf8').trim();
        let config: Record<string, unknown> | null = null;
        if (body !== '' && body !== 'null') {
          let parsed: unknown;
          try {
            parsed = JSON.parse(body);
          } catch (err) {
            throw new InvalidArgumentError(`invalid JSON: ${(err as Error).message}`);
          }
          if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
            throw new InvalidArgumentError('invalid JSON: the commit config must be an object');
          }
          config = parsed as Record<string, unknown>;
        }
        const pause =
          query.get('pause') === null || query.get('pause') === '' ? true : queryBoolean(query, 'pause');
        const id = await backend.commit({
          container: query.get('container') ?? '',
          repo: query.get('repo') ?? '',
          tag: query.get('tag') ?? '',
          author: query.get('author') ?? '',
          comment: query.get('comment') ?? '',
          pause,
          changes: query.getAll('changes'),
          config,
          signal: ctx.signal,
        });
        sendJson(ctx.res, 201, { Id: id });
      },
    },
  ];
}
