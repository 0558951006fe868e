/**
 * The size Docker reports for a layer: bytes of everything in its diff directory except
 * directories, each inode counted once (hard links share their bytes). Never follows links.
 */
import { lstat, readdir } from 'node:fs/promises';

export async function treeSize(root: string): Promise<number> {
  const seen = new Set<string>();
  let total = 0;
  const walk = async (dir: Buffer): Promise<void> => {
    for (const name of await readdir(dir, { encoding: 'buffer' })) {
      const path = Buffer.concat([dir, Buffer.from('/'), name]);
      const st = await lstat(path);
      if (st.isDirectory()) {
        await walk(path);
        continue;
      }
      if (st.nlink > 1) {
        const key = `${st.dev}:${st.ino}`;
        if (seen.has(key)) continue;
        seen.add(key);
      }
      total += st.size;
    }
  };
  await walk(Buffer.from(root));
  return total;
}
