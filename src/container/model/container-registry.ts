/**
 * The daemon's in-memory index of containers: by full id, by name, by unique id prefix, and
 * the table of reserved names. Lookups follow Docker's order (moby daemon.GetContainer): an
 * exact full id, then an exact name (with or without the leading "/"), then a unique id
 * prefix. Errors carry Docker's wording, which scripts and the CLI show verbatim.
 *
 * Names are reserved before the container exists (create reserves, then builds the
 * container), so a name maps to an id that may not be registered yet; release it on failure.
 */
import { ConflictError, InvalidArgumentError, NotFoundError } from '../../errors/index.js';
import { generateContainerId, shortId } from './container-id.js';
import { canonicalName, randomContainerName, validateContainerName } from './container-names.js';

/** What the registry needs of a container: its id and its primary name ("/web"). */
export interface Named {
  ID: string;
  Name: string;
}

/** Random names tried before falling back to the short id, as Docker does. */
const RANDOM_NAME_ATTEMPTS = 6;

export class ContainerRegistry<T extends Named> {
  private readonly byId = new Map<string, T>();
  /** "/name" → container id. */
  private readonly names = new Map<string, string>();

  constructor(
    private readonly newId: () => string = generateContainerId,
    private readonly newName: (retry: number) => string = randomContainerName,
  ) {}

  /** Registers a container under its id, reserving its name (idempotent for the same id). */
  add(container: T): void {
    if (this.byId.has(container.ID) && this.byId.get(container.ID) !== container) {
      throw new ConflictError(`container ${container.ID} is already loaded`);
    }
    if (container.Name !== '') this.reserveName(container.Name, container.ID);
    this.byId.set(container.ID, container);
  }

  /** Forgets a container and releases every name reserved for it. */
  delete(id: string): void {
    this.byId.delete(id);
    for (const [name, owner] of this.names) if (owner === id) this.names.delete(name);
  }

  byFullId(id: string): T | undefined {
    return this.byId.get(id);
  }

  all(): T[] {
    return [...this.byId.values()];
  }

  get size(): number {
    return this.byId.size;
  }

  /**
   * Finds a container by full id, name or unique id prefix.
   * NotFoundError `No such container: x`; InvalidArgumentError for an ambiguous prefix
   * (`multiple IDs found with provided prefix: x`) or an empty reference.
   */
  get(idOrName: string): T {
    if (idOrName === '') {
      throw new InvalidArgumentError(`invalid name or ID supplied: ${JSON.stringify(idOrName)}`);
    }
    const exact = this.byId.get(idOrName);
    if (exact !== undefined) return exact;
    const byName = this.byName(idOrName);
    if (byName !== undefined) return byName;
    let found: T | undefined;
    for (const [id, container] of this.byId) {
      if (!id.startsWith(idOrName)) continue;
      if (found !== undefined) {
        throw new InvalidArgumentError(`multiple IDs found with provided prefix: ${idOrName}`);
      }
      found = container;
    }
    if (found === undefined) throw new NotFoundError(`No such container: ${idOrName}`);
    return found;
  }

  /** Like get(), but undefined instead of NotFoundError (other errors still throw). */
  find(idOrName: string): T | undefined {
    try {
      return this.get(idOrName);
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  }

  /** The container holding exactly this name ("web" or "/web"). */
  byName(name: string): T | undefined {
    if (name === '') return undefined;
    const id = this.names.get(canonicalName(name));
    return id === undefined ? undefined : this.byId.get(id);
  }

  /** The id a name is reserved for, registered or not. */
  idOfName(name: string): string | undefined {
    return this.names.get(canonicalName(name));
  }

  /** Every name reserved for `id` (the primary name, plus link aliases if any). */
  namesOf(id: string): string[] {
    const result: string[] = [];
    for (const [name, owner] of this.names) if (owner === id) result.push(name);
    return result;
  }

  /**
   * Reserves a requested name for `id` and returns it with the slash. Invalid names and names
   * held by another container fail with Docker's messages; reserving one's own name is fine.
   */
  reserveName(name: string, id: string): string {
    const canonical = validateContainerName(name);
    const owner = this.names.get(canonical);
    if (owner !== undefined && owner !== id) {
      throw new ConflictError(
        `Conflict. The container name ${JSON.stringify(canonical)} is already in use by container ` +
          `${JSON.stringify(owner)}. You have to remove (or rename) that container to be able to reuse that name.`,
      );
    }
    this.names.set(canonical, id);
    return canonical;
  }

  releaseName(name: string): void {
    this.names.delete(canonicalName(name));
  }

  /** Picks and reserves a random name for `id`: six tries, then the short id (as Docker). */
  reserveRandomName(id: string): string {
    for (let retry = 0; retry < RANDOM_NAME_ATTEMPTS; retry++) {
      const name = canonicalName(this.newName(retry));
      if (!this.names.has(name)) {
        this.names.set(name, id);
        return name;
      }
    }
    return this.reserveName(shortId(id), id);
  }

  /**
   * A fresh id and its reserved name (the requested one, or a random one when empty) for a
   * new container. The id is new to this registry. Release the name if creation fails.
   */
  allocate(requestedName = ''): { id: string; name: string } {
    let id = this.newId();
    while (this.byId.has(id) || [...this.names.values()].includes(id)) id = this.newId();
    const name = requestedName === '' ? this.reserveRandomName(id) : this.reserveName(requestedName, id);
    return { id, name };
  }

  /**
   * Renames a container (Docker's `rename`): the new name is reserved, the record's Name
   * changed and the old name released. Returns both names so the caller can persist the
   * record, and undo with a second rename if that fails.
   */
  rename(idOrName: string, newName: string): { container: T; oldName: string; newName: string } {
    if (idOrName === '' || newName === '') {
      throw new InvalidArgumentError('Neither old nor new names may be empty');
    }
    const container = this.get(idOrName);
    const wanted = canonicalName(newName);
    if (container.Name === wanted) {
      throw new InvalidArgumentError('Renaming a container with the same name as its current name');
    }
    let reserved: string;
    try {
      reserved = this.reserveName(wanted, container.ID);
    } catch (err) {
      if (err instanceof ConflictError) {
        throw new ConflictError(`Error when allocating new name: ${err.message}`, { cause: err });
      }
      if (err instanceof InvalidArgumentError) {
        throw new InvalidArgumentError(`Error when allocating new name: ${err.message}`, { cause: err });
      }
      throw err;
    }
    const oldName = container.Name;
    container.Name = reserved;
    if (oldName !== '') this.names.delete(oldName);
    return { container, oldName, newName: reserved };
  }
}
