/**
 * Objects, read lazily as `OrData.cpp` reads them. An object's Ogawa group holds:
 *   child 0          its top compound property (a group),
 *   children 1..n    its child objects' groups, in header order,
 *   child n+1        a data block: the child object headers, then 32 bytes of hashes (a SpookyHash
 *                    of the properties, then one of the children).
 * The archive's top object ("/") is child 2 of the root group and takes the archive metadata.
 *
 * Instancing (`OObject::addChildInstance`): an object whose metadata has `isInstance=1` holds only
 * a string property `.instanceSource` naming the object it stands for.
 */
import { abcError, AbcErrorCode, withAbcErrors } from '../errors.js';
import type { OgawaGroup } from '../ogawa/archive.js';
import type { ReadContext } from './context.js';
import { hexDigest } from './hash.js';
import { readObjectHeaders } from './headers.js';
import type { MetaData } from './metadata.js';
import { CompoundProperty, topCompoundHeader } from './property.js';

export class AlembicObject {
  readonly name: string;
  /** Full path: "/" for the top object, "/a/b" below it. */
  readonly path: string;
  readonly metadata: MetaData;
  readonly parent: AlembicObject | undefined;
  /** Nesting depth (0 for the top object). */
  readonly depth: number;
  /** @internal */
  private readonly context: ReadContext;
  private readonly groupOf: (() => OgawaGroup) | OgawaGroup;
  private readonly groupIndex: number;
  private groupCache: OgawaGroup | undefined;
  private childList: AlembicObject[] | undefined;
  private childMap: Map<string, AlembicObject> | undefined;
  private propertiesCache: CompoundProperty | undefined;

  /** @internal created by the archive and by parents: `group` opens the object's group, or is the
   *  parent's group holding it at `index` */
  constructor(context: ReadContext, parent: AlembicObject | undefined, name: string, metadata: MetaData, group: (() => OgawaGroup) | OgawaGroup, index = 0) {
    this.context = context;
    this.parent = parent;
    this.name = name;
    this.metadata = metadata;
    this.depth = parent === undefined ? 0 : parent.depth + 1;
    this.path = parent === undefined ? '/' : parent.path === '/' ? `/${name}` : `${parent.path}/${name}`;
    this.groupOf = group;
    this.groupIndex = index;
    if (this.depth > context.limits.maxDepth) {
      throw abcError(AbcErrorCode.ABC_LIMIT, `objects nest deeper than ${context.limits.maxDepth} levels (limits.maxDepth)`, { location: this.path });
    }
  }

  private get group(): OgawaGroup {
    if (this.groupCache === undefined) {
      const source = this.groupOf;
      this.groupCache = withAbcErrors(() => (typeof source === 'function' ? source() : source.group(this.groupIndex)), this.path);
    }
    return this.groupCache;
  }

  /** The schema the object declares (`AbcGeom_PolyMesh_v1`, ...), or "" for a plain object. */
  get schema(): string {
    return this.metadata.get('schema');
  }

  /** The schema's base type (`AbcGeom_GeomBase_v1` for geometry), or "". */
  get schemaBaseType(): string {
    return this.metadata.get('schemaBaseType');
  }

  /** True when the object is an instance of another (`isInstance=1`). */
  get isInstance(): boolean {
    return this.metadata.get('isInstance') === '1';
  }

  /** The path an instance stands for, from its `.instanceSource` property. */
  get instanceSource(): string | undefined {
    if (!this.isInstance) return undefined;
    const property = this.properties.getScalar('.instanceSource');
    if (property === undefined || property.pod !== 'string' || property.sampleCount === 0) return undefined;
    return String(property.getValue(0));
  }

  /** The child objects, in file order. */
  get children(): readonly AlembicObject[] {
    if (this.childList === undefined) this.loadChildren();
    return this.childList!;
  }

  /** The number of children, from the header block (no child is opened). */
  get childCount(): number {
    return this.children.length;
  }

  /** The child named `name`, or undefined. */
  child(name: string): AlembicObject | undefined {
    const children = this.children;
    if (this.childMap !== undefined) return this.childMap.get(name);
    for (let i = 0; i < children.length; i++) if (children[i]!.name === name) return children[i];
    return undefined;
  }

  private loadChildren(): void {
    withAbcErrors(() => {
      const group = this.group;
      const count = group.childCount;
      const list: AlembicObject[] = [];
      const names = new Set<string>();
      if (count > 0 && group.isData(count - 1)) {
        const block = group.data(count - 1);
        const headers = readObjectHeaders(block.bytes(), block.payloadPosition, this.context.indexedMetaData, this, this.context.limits.maxChildren);
        if (headers.length > count - 2 && headers.length > 0) {
          throw abcError(
            AbcErrorCode.ABC_CORRUPT,
            `the object lists ${headers.length} children but its group holds ${Math.max(0, count - 2)} child groups`,
            { location: this.path, offset: group.position },
          );
        }
        headers.forEach((header, index) => {
          if (names.has(header.name)) {
            throw abcError(AbcErrorCode.ABC_CORRUPT, `two children are named "${header.name}"`, { location: this.path });
          }
          names.add(header.name);
          list.push(new AlembicObject(this.context, this, header.name, header.metadata, group, index + 1));
        });
      }
      this.childList = list;
      if (list.length > 16) this.childMap = new Map(list.map((c) => [c.name, c]));
    }, this.path);
  }

  /** The top compound property (every property of the object is below it). */
  get properties(): CompoundProperty {
    this.propertiesCache ??= new CompoundProperty(this.context, this, undefined, topCompoundHeader(this.metadata), () => {
      const group = this.group;
      // An object with no properties is written with an empty compound group (or none at all).
      if (group.childCount === 0 || group.isData(0)) return group.archive.openGroup(0, group.position);
      return group.group(0);
    });
    return this.propertiesCache;
  }

  /** The hashes in the object's header block (SpookyHash V2 of properties and children), as hex;
   *  undefined when the block is missing. Equal hashes mean equal content. */
  get hashes(): { properties: string; children: string } | undefined {
    return withAbcErrors(() => {
      const group = this.group;
      const count = group.childCount;
      if (count === 0 || !group.isData(count - 1)) return undefined;
      const bytes = group.data(count - 1).bytes();
      if (bytes.byteLength < 32) return undefined;
      const tail = bytes.subarray(bytes.byteLength - 32);
      return { properties: hexDigest(tail.subarray(0, 16)), children: hexDigest(tail.subarray(16)) };
    }, this.path);
  }

  /** Depth-first walk of this object and everything below it (instances not followed). */
  *walk(): Generator<AlembicObject> {
    const stack: AlembicObject[] = [this];
    while (stack.length > 0) {
      const object = stack.pop()!;
      yield object;
      const children = object.children;
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
    }
  }
}
