/**
 * `lading system check [--repair]` for layers: reads every record from disk again (not the
 * store's memory) and verifies it against the driver's directories.
 *
 * A read-only layer is broken when its record is unreadable, its chainID does not follow
 * from its parent and diffID, its parent is missing or broken, its directory is missing, or
 * its diff dir's size differs from the recorded one (files changed behind the store's back).
 * Link problems (overlay2's link file, l/ symlink, lower file) are repairable in place.
 * With repair, a broken layer is dropped with everything above it — layers and rw layers —
 * since none of them can be trusted; orphan directories and temporary leftovers are removed.
 *
 * A layer's tar-split recording must exist, parse to its end and name files of the recorded
 * sizes. A missing or bad one is reported but not repaired: it cannot be made again from
 * the diff dir (that is why it is kept), and the layer still runs; only exporting it
 * byte-exactly (save, push) needs it, and pulling or loading the image again brings it back.
 */
import { createReadStream, existsSync } from 'node:fs';
import { verifyTarSplit } from '../archive/index.js';
import { messageOf } from '../errors/index.js';
import { digestFromHex, type Digest } from '../oci/index.js';
import { chainIdOf } from './chain-id.js';
import type { DefaultLayerStore } from './create-layer-store.js';
import { TAR_SPLIT_FILE } from './layer-records.js';
import type { Layer, LayerCheckProblem, RWLayer } from './layer-store.js';
import { treeSize } from './tree-size.js';

export async function checkLayerStore(
  store: DefaultLayerStore,
  repair: boolean,
): Promise<LayerCheckProblem[]> {
  const { records, graph, logger } = store;
  const problems: LayerCheckProblem[] = [];
  const report = (subject: string, problem: string, repaired?: string): void => {
    problems.push(repair && repaired !== undefined ? { subject, problem, repaired } : { subject, problem });
  };

  const layers = new Map<Digest, Layer>();
  const broken = new Set<Digest>();
  for (const hex of records.layerNames()) {
    const result = await records.readLayer(hex);
    if (!result.ok) {
      report(`layerdb/sha256/${hex}`, `unreadable record: ${result.problem}`, 'removed the record');
      if (repair) records.removeLayer(digestFromHexSafe(hex));
      continue;
    }
    layers.set(result.value.chainId, result.value);
  }

  // Bottom-up, so a parent's repaired link is in place before its children's lower files are checked.
  const depth = (layer: Layer): number => {
    let d = 0;
    for (let p = layer.parent; p !== undefined && d <= layers.size; p = layers.get(p)?.parent) d++;
    return d;
  };
  const ordered = [...layers.values()].sort((a, b) => depth(a) - depth(b));
  for (const layer of ordered) {
    const subject = layer.chainId;
    const fail = (problem: string): void => {
      report(subject, problem, 'dropped the layer and everything above it');
      broken.add(layer.chainId);
    };
    if (chainIdOf(layer.parent, layer.diffId) !== layer.chainId) {
      fail('chainID does not follow from the recorded parent and diffID');
      continue;
    }
    if (layer.parent !== undefined && (!layers.has(layer.parent) || broken.has(layer.parent))) {
      fail(`parent ${layer.parent} is missing or broken`);
      continue;
    }
    if (!graph.exists(layer.cacheId)) {
      fail(`${graph.name} directory ${layer.cacheId} is missing`);
      continue;
    }
    const parentCache = layer.parent === undefined ? undefined : layers.get(layer.parent)?.cacheId;
    const driverProblems = graph.check(layer.cacheId, parentCache, repair);
    const unrepairable = driverProblems.filter((p) => !p.repairable);
    for (const p of driverProblems.filter((p) => p.repairable)) {
      problems.push({ subject, problem: p.problem, ...(p.repaired ? { repaired: p.repaired } : {}) });
    }
    if (unrepairable.length > 0) {
      fail(unrepairable.map((p) => p.problem).join('; '));
      continue;
    }
    const size = await treeSize(graph.diffDir(layer.cacheId)).catch(() => -1);
    if (size !== layer.size) {
      fail(`diff dir holds ${size} bytes, the record says ${layer.size}`);
      continue;
    }
    const tarSplit = await tarSplitProblem(records.tarSplitPath(layer.chainId), graph.diffDir(layer.cacheId));
    if (tarSplit !== undefined) report(subject, tarSplit); // nothing to repair it from
  }

  const mounts = new Map<string, RWLayer>();
  const brokenMounts = new Set<string>();
  for (const name of records.mountNames()) {
    const result = await records.readMount(name);
    if (!result.ok) {
      report(`layerdb/mounts/${name}`, `unreadable record: ${result.problem}`, 'removed the record');
      if (repair) records.removeMount(name);
      continue;
    }
    const rw = result.value;
    mounts.set(name, rw);
    const fail = (problem: string): void => {
      report(`rw layer ${name}`, problem, 'removed the rw layer');
      brokenMounts.add(name);
    };
    if (rw.parent !== undefined && (!layers.has(rw.parent) || broken.has(rw.parent)))
      fail(`parent ${rw.parent} is missing or broken`);
    else if (!graph.exists(rw.mountId)) fail(`${graph.name} directory ${rw.mountId} is missing`);
    else if (rw.initId !== undefined && !graph.exists(rw.initId))
      fail(`init directory ${rw.initId} is missing`);
    else {
      const parentCache = rw.parent === undefined ? undefined : layers.get(rw.parent)?.cacheId;
      const found = [
        ...(rw.initId !== undefined ? graph.check(rw.initId, parentCache, repair) : []),
        ...graph.check(rw.mountId, rw.initId ?? parentCache, repair),
      ];
      for (const p of found.filter((p) => p.repairable)) {
        problems.push({
          subject: `rw layer ${name}`,
          problem: p.problem,
          ...(p.repaired ? { repaired: p.repaired } : {}),
        });
      }
      const unrepairable = found.filter((p) => !p.repairable);
      if (unrepairable.length > 0) fail(unrepairable.map((p) => p.problem).join('; '));
    }
  }

  // Everything above a broken layer goes with it.
  for (let changed = true; changed;) {
    changed = false;
    for (const layer of layers.values()) {
      if (layer.parent !== undefined && broken.has(layer.parent) && !broken.has(layer.chainId)) {
        broken.add(layer.chainId);
        report(layer.chainId, `sits on broken layer ${layer.parent}`, 'dropped');
        changed = true;
      }
    }
  }
  for (const rw of mounts.values()) {
    if (rw.parent !== undefined && broken.has(rw.parent) && !brokenMounts.has(rw.name)) {
      brokenMounts.add(rw.name);
      report(`rw layer ${rw.name}`, `sits on broken layer ${rw.parent}`, 'removed the rw layer');
    }
  }

  const referenced = new Set<string>();
  for (const layer of layers.values()) if (!broken.has(layer.chainId)) referenced.add(layer.cacheId);
  for (const rw of mounts.values()) {
    if (brokenMounts.has(rw.name)) continue;
    referenced.add(rw.mountId);
    if (rw.initId !== undefined) referenced.add(rw.initId);
  }
  const inMemory = store.referencedIds(); // a register or create finishing right now
  const orphans = graph.ids().filter((id) => !referenced.has(id) && !inMemory.has(id));
  for (const id of orphans)
    report(`${graph.name}/${id}`, 'directory no layer record names (orphan)', 'removed');

  if (!repair) return problems;

  for (const name of brokenMounts) {
    const rw = mounts.get(name)!;
    records.removeMount(name);
    store.rwLayers.delete(name);
    await graph.remove(rw.mountId);
    if (rw.initId !== undefined) await graph.remove(rw.initId);
    logger.warn('check: removed a damaged rw layer', { name });
  }
  // Top first, so no record ever names a parent that is already gone.
  for (const layer of [...layers.values()]
    .filter((l) => broken.has(l.chainId))
    .sort((a, b) => depth(b) - depth(a))) {
    records.removeLayer(layer.chainId);
    await graph.remove(layer.cacheId);
    store.nodes.delete(layer.chainId);
    logger.warn('check: dropped a damaged layer', { chainId: layer.chainId });
  }
  // Memory: children counts from what is left.
  for (const node of store.nodes.values()) node.children = 0;
  for (const node of store.nodes.values()) {
    if (node.layer.parent !== undefined) {
      const parent = store.nodes.get(node.layer.parent);
      if (parent) parent.children++;
    }
  }
  for (const { rw } of store.rwLayers.values()) {
    if (rw.parent !== undefined) {
      const parent = store.nodes.get(rw.parent);
      if (parent) parent.children++;
    }
  }
  for (const id of orphans) await graph.remove(id);
  // Write sets are written synchronously, so none is in progress; the recordings of
  // registers in progress are kept.
  const leftovers = records.clearTemporary(store.inFlight);
  // A register or rw layer being made right now has its directory under a temporary name.
  if (store.inFlight.size === 0) graph.removeTemporary();
  for (const name of leftovers)
    problems.push({
      subject: `layerdb/tmp/${name}`,
      problem: 'unfinished write left behind',
      repaired: 'removed',
    });
  return problems;
}

async function tarSplitProblem(path: string, diffDir: string): Promise<string | undefined> {
  const consequence =
    'the layer runs, but save and push may not reproduce its diffID; repair cannot recreate ' +
    'the recording (remove the image and pull or load it again)';
  if (!existsSync(path)) return `${TAR_SPLIT_FILE} is missing: ${consequence}`;
  try {
    await verifyTarSplit(createReadStream(path), diffDir);
    return undefined;
  } catch (err) {
    return `${TAR_SPLIT_FILE} is unusable (${messageOf(err)}): ${consequence}`;
  }
}

function digestFromHexSafe(hex: string): Digest {
  try {
    return digestFromHex(hex);
  } catch {
    return `sha256:${hex}`;
  }
}
