/**
 * The size Docker reports for a layer, kept up to date while the layer is written: the
 * st_size of every non-directory in the diff directory, each inode counted once. Knowing it
 * from the archive spares a second walk with one lstat per file (which cost more than the
 * extraction itself on a layer of small files).
 *
 * Nodes of the extraction tree stand for inodes: a hard link shares its target's node, so a
 * node's bytes leave the total only when its last name is replaced.
 */
import type { TreeNode } from './in-root-tree.js';

export class InodeBytes {
  private bytes = 0;
  /** Names beyond the first, for nodes that were hard-linked. */
  private readonly extraNames = new Map<TreeNode, number>();

  get total(): number {
    return this.bytes;
  }

  created(node: TreeNode): void {
    this.bytes += bytesOf(node);
  }

  linked(node: TreeNode): void {
    if (bytesOf(node) === 0) return; // nothing to keep; special files even share one node
    this.extraNames.set(node, (this.extraNames.get(node) ?? 0) + 1);
  }

  /** A name was removed; a directory takes everything below it along. */
  removed(node: TreeNode): void {
    if (node.kind === 'dir') {
      for (const child of node.children.values()) this.removed(child);
      return;
    }
    if (bytesOf(node) === 0) return;
    const extra = this.extraNames.get(node);
    if (extra === undefined) this.bytes -= bytesOf(node);
    else if (extra === 1) this.extraNames.delete(node);
    else this.extraNames.set(node, extra - 1);
  }
}

function bytesOf(node: TreeNode): number {
  switch (node.kind) {
    case 'file':
      return node.size;
    case 'symlink':
      return node.target.length; // a latin1 byte string: its length is st_size
    default:
      return 0;
  }
}
