/**
 * `-u` resolved as dockerd does (moby/sys/user GetExecUser + GetAdditionalGroups), reading the
 * container's /etc/passwd and /etc/group inside its rootfs (in-root-path.ts: symlinks in the
 * image resolve against the image, never the host). Forms: "", "name", "uid", "name:group",
 * "uid:gid", "name:gid", "uid:group". Numeric ids work without the files; names need them.
 * Errors carry Docker's wording ("unable to find user x: no matching entries in passwd file").
 */
import { SystemError } from '../../errors/index.js';
import { readFileInRoot } from './in-root-path.js';

export interface ResolvedUser {
  uid: number;
  gid: number;
  /** Docker's order: the primary gid, then the user's groups from /etc/group, then --group-add. */
  additionalGids: number[];
  home: string;
}

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

const MAX_ID = 2 ** 31 - 1;
const RANGE_ERROR = `uids and gids must be in range 0-${MAX_ID}`;

/** Go's strconv.Atoi as Docker's parseLine uses it: a bad number reads as 0. */
function atoi(text: string | undefined): number {
  return /^[+-]?\d+$/.test(text ?? '') ? Number(text) : 0;
}

function lines(content: Buffer | undefined): string[][] | undefined {
  if (content === undefined) return undefined;
  return content
    .toString('utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l) => l.split(':'));
}

export function parsePasswd(content: Buffer | undefined): PasswdEntry[] | undefined {
  return lines(content)?.map((f) => ({
    name: f[0] ?? '',
    uid: atoi(f[2]),
    gid: atoi(f[3]),
    home: f[5] ?? '',
  }));
}

export function parseGroup(content: Buffer | undefined): GroupEntry[] | undefined {
  return lines(content)?.map((f) => ({
    name: f[0] ?? '',
    gid: atoi(f[2]),
    members: (f[3] ?? '').split(',').filter((m) => m !== ''),
  }));
}

/** "1000" → 1000; "bob" → undefined; out of range → Docker's range error. */
function numeric(arg: string): number | undefined {
  if (!/^[+-]?\d+$/.test(arg)) return undefined;
  const n = Number(arg);
  if (n < 0 || n > MAX_ID) throw new SystemError(RANGE_ERROR);
  return n;
}

/** Resolves a user spec against passwd/group contents (undefined = the file is absent). */
export function resolveUserFrom(
  userSpec: string,
  groupAdd: readonly string[],
  passwdContent: Buffer | undefined,
  groupContent: Buffer | undefined,
): ResolvedUser {
  const passwd = parsePasswd(passwdContent);
  const groups = parseGroup(groupContent);
  const colon = userSpec.indexOf(':');
  const userArg = colon < 0 ? userSpec : userSpec.slice(0, colon);
  // Like parseLine: a third ':'-field and beyond are ignored.
  const groupArg = colon < 0 ? '' : (userSpec.slice(colon + 1).split(':')[0] ?? '');
  const uidArg = numeric(userArg);
  const gidArg = numeric(groupArg);

  const user = { uid: 0, gid: 0, home: '', sgids: [] as number[] };
  const match = passwd?.find((u) =>
    userArg === '' ? u.uid === 0 : uidArg !== undefined ? u.uid === uidArg : u.name === userArg,
  );
  let matchedName = '';
  if (match) {
    matchedName = match.name;
    Object.assign(user, { uid: match.uid, gid: match.gid, home: match.home });
  } else if (userArg !== '') {
    if (uidArg === undefined) {
      throw new SystemError(`unable to find user ${userArg}: no matching entries in passwd file`);
    }
    user.uid = uidArg;
  }

  if (groupArg !== '' || matchedName !== '') {
    const found = (groups ?? []).filter((g) =>
      groupArg === ''
        ? g.members.includes(matchedName)
        : gidArg !== undefined
          ? g.gid === gidArg
          : g.name === groupArg,
    );
    if (groupArg !== '') {
      if (found[0]) user.gid = found[0].gid;
      else if (gidArg === undefined) {
        throw new SystemError(`unable to find group ${groupArg}: no matching entries in group file`);
      } else user.gid = gidArg;
    } else {
      user.sgids = found.map((g) => g.gid);
    }
  }

  const extra = additionalGroups(groupAdd, groups);
  return {
    uid: user.uid,
    gid: user.gid,
    home: user.home,
    additionalGids: [user.gid, ...user.sgids, ...extra],
  };
}

/** HostConfig.GroupAdd: names must exist in /etc/group; numbers are used as they are. */
function additionalGroups(groupAdd: readonly string[], groups: GroupEntry[] | undefined): number[] {
  const gids: number[] = [];
  for (const arg of groupAdd) {
    const gid = numeric(arg);
    const match = (groups ?? []).find((g) => (gid !== undefined ? g.gid === gid : g.name === arg));
    if (match) {
      if (match.gid < 0 || match.gid > MAX_ID) throw new SystemError(RANGE_ERROR);
      gids.push(match.gid);
    } else if (gid === undefined) {
      throw new SystemError(`unable to find group ${arg}: no matching entries in group file`);
    } else gids.push(gid);
  }
  return [...new Set(gids)];
}

/** Resolves `-u` and --group-add for a container whose rootfs is mounted at `rootfs`. */
export function resolveUser(
  rootfs: string,
  userSpec: string,
  groupAdd: readonly string[] = [],
): ResolvedUser {
  return resolveUserFrom(
    userSpec,
    groupAdd,
    readFileInRoot(rootfs, '/etc/passwd'),
    readFileInRoot(rootfs, '/etc/group'),
  );
}
