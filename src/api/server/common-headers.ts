/**
 * Headers on every response, hijacked ones included. The CLI reads `Api-Version` to
 * negotiate, `Ostype` to pick path semantics and `Server` for `docker version`.
 */
import { API_VERSION_DEFAULT } from '../types/index.js';

export function commonHeaders(serverName: string): Record<string, string> {
  return {
    'Api-Version': API_VERSION_DEFAULT,
    'Docker-Experimental': 'false',
    Ostype: 'linux',
    Server: `${serverName} (linux)`,
  };
}
