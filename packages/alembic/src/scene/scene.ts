/**
 * A scene view over an archive: the object hierarchy with instances expanded (an instance stands
 * for its source object and everything below it, under the instance's own path, as Alembic's
 * `IObject` presents it), world matrices at any time (each Xform's local matrix composed with its
 * parent's unless `.inherits` is false, interpolated between the samples around the time), the
 * archive's time range and visibility.
 */
import { abcError, AbcErrorCode } from '../errors.js';
import type { AlembicArchive } from '../core/archive.js';
import { resolveInstance } from '../core/archive.js';
import type { AlembicObject } from '../core/object.js';
import { visibilityAt } from '../geom/base.js';
import { identity, multiply, type Matrix4 } from '../geom/math.js';
import { schemaKind, type SchemaKind } from '../geom/schema.js';
import { XformSchema } from '../geom/xform.js';

export interface SceneNode {
  /** The path in the scene (instances expanded: `/a/instance1/child`). */
  path: string;
  name: string;
  /** The object whose data this node shows (an instance's source object). */
  object: AlembicObject;
  /** The object in the archive at this place in the hierarchy (the instance itself for instances). */
  source: AlembicObject;
  parent: SceneNode | undefined;
  children: SceneNode[];
  kind: SchemaKind;
  /** For instances: the path of the object it stands for. */
  instanceOf: string | undefined;
  depth: number;
}

export interface SceneOptions {
  /** Expand instances (default true). */
  followInstances?: boolean;
  /** Most nodes the expansion may create (instances can multiply a small archive). Default 10,000,000. */
  maxNodes?: number;
}

export interface MatrixOptions {
  /** Blend between the samples around the time (default true). */
  interpolate?: boolean;
}

export class AlembicScene {
  readonly archive: AlembicArchive;
  readonly root: SceneNode;
  private readonly byPath = new Map<string, SceneNode>();
  private readonly xforms = new Map<AlembicObject, XformSchema | null>();
  private readonly list: SceneNode[] = [];

  constructor(archive: AlembicArchive, options: SceneOptions = {}) {
    this.archive = archive;
    const follow = options.followInstances ?? true;
    const maxNodes = options.maxNodes ?? 10_000_000;
    const maxDepth = archive.context.limits.maxDepth;
    const top = archive.root;
    this.root = { path: '/', name: '', object: top, source: top, parent: undefined, children: [], kind: 'unknown', instanceOf: undefined, depth: 0 };
    this.add(this.root);
    // Depth-first expansion with an explicit stack (no recursion on hostile depths).
    const stack: SceneNode[] = [this.root];
    while (stack.length > 0) {
      const node = stack.pop()!;
      const children = node.object.children;
      for (let i = children.length - 1; i >= 0; i--) {
        const source = children[i]!;
        let object = source;
        let instanceOf: string | undefined;
        if (follow && source.isInstance) {
          const target = resolveInstance(top, source);
          if (target !== undefined) {
            object = target;
            instanceOf = target.path;
            // An instance of its own ancestor would expand forever.
            for (let up: SceneNode | undefined = node; up !== undefined; up = up.parent) {
              if (up.object === target) {
                throw abcError(AbcErrorCode.ABC_CORRUPT, `the instance ${source.path} stands for ${target.path}, one of its own ancestors`, {
                  location: source.path,
                });
              }
            }
          }
        }
        const path = node.path === '/' ? `/${source.name}` : `${node.path}/${source.name}`;
        const child: SceneNode = {
          path,
          name: source.name,
          object,
          source,
          parent: node,
          children: [],
          kind: schemaKind(object),
          instanceOf,
          depth: node.depth + 1,
        };
        if (child.depth > maxDepth) {
          throw abcError(AbcErrorCode.ABC_LIMIT, `the scene nests deeper than ${maxDepth} levels (limits.maxDepth)`, { location: path });
        }
        if (this.list.length >= maxNodes) {
          throw abcError(AbcErrorCode.ABC_LIMIT, `the scene expands to more than ${maxNodes} nodes (maxNodes)`, { location: path });
        }
        node.children.unshift(child);
        this.add(child);
        stack.push(child);
      }
    }
    this.list.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  private add(node: SceneNode): void {
    this.byPath.set(node.path, node);
    this.list.push(node);
  }

  /** Every node (the root "/" first), in path order. */
  get nodes(): readonly SceneNode[] {
    return this.list;
  }

  /** The node at `path`, or undefined. */
  find(path: string): SceneNode | undefined {
    const normalised = '/' + path.split('/').filter((p) => p.length > 0).join('/');
    return this.byPath.get(normalised);
  }

  /** The archive's time range (`Abc::GetArchiveStartAndEndTime`), or undefined. */
  get timeRange(): { start: number; end: number } | undefined {
    return this.archive.timeRange;
  }

  private xformOf(object: AlembicObject): XformSchema | undefined {
    let cached = this.xforms.get(object);
    if (cached === undefined) {
      cached = schemaKind(object) === 'xform' ? new XformSchema(object) : null;
      this.xforms.set(object, cached);
    }
    return cached ?? undefined;
  }

  /** The node's local matrix at `time` (identity for anything but an Xform). */
  localMatrix(node: SceneNode, time: number, options: MatrixOptions = {}): { matrix: Matrix4; inherits: boolean } {
    const xform = this.xformOf(node.object);
    if (xform === undefined) return { matrix: identity(), inherits: true };
    return xform.matrixAt(time, options.interpolate ?? true);
  }

  /** The node's world matrix at `time`. */
  worldMatrix(node: SceneNode, time: number, options: MatrixOptions = {}): Matrix4 {
    const chain: SceneNode[] = [];
    for (let n: SceneNode | undefined = node; n !== undefined; n = n.parent) chain.push(n);
    let world = identity();
    for (let i = chain.length - 1; i >= 0; i--) {
      const local = this.localMatrix(chain[i]!, time, options);
      world = local.inherits ? multiply(local.matrix, world) : local.matrix;
    }
    return world;
  }

  /** World matrices of every node at `time`, computed top-down once. */
  worldMatrices(time: number, options: MatrixOptions = {}): Map<SceneNode, Matrix4> {
    const out = new Map<SceneNode, Matrix4>();
    out.set(this.root, identity());
    const stack: SceneNode[] = [...this.root.children];
    while (stack.length > 0) {
      const node = stack.pop()!;
      const parentWorld = out.get(node.parent!)!;
      const local = this.localMatrix(node, time, options);
      out.set(node, local.inherits ? multiply(local.matrix, parentWorld) : local.matrix);
      for (const child of node.children) stack.push(child);
    }
    return out;
  }

  /** Visible at `time` (hidden when it or its nearest decided ancestor is hidden). */
  isVisible(node: SceneNode, time: number): boolean {
    for (let n: SceneNode | undefined = node; n !== undefined; n = n.parent) {
      let v = visibilityAt(n.source, time);
      if (v === 'deferred' && n.object !== n.source) v = visibilityAt(n.object, time);
      if (v === 'hidden') return false;
      if (v === 'visible') return true;
    }
    return true;
  }
}

/** The scene view of an archive. */
export function sceneOf(archive: AlembicArchive, options: SceneOptions = {}): AlembicScene {
  return new AlembicScene(archive, options);
}
