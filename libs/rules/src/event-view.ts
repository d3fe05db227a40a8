/**
 * The per-event read side of the matcher. Every field a rule set tests gets a
 * slot at compile time; while one event is matched, each slot is read and
 * lower-cased at most once, however many rules test it. The caches are
 * reused from event to event (a generation number marks what is current), so
 * matching allocates only the strings it lower-cases.
 */

/** How a slot reads the event: paths tried in order, or a path into an object stored as JSON text. */
export type FieldAccess =
  | { readonly kind: 'paths'; readonly paths: readonly string[] }
  | { readonly kind: 'json'; readonly source: string; readonly path: readonly string[] };

export function accessKey(access: FieldAccess): string {
  return access.kind === 'paths' ? `p:${access.paths.join('|')}` : `j:${access.source}:${access.path.join('.')}`;
}

/** Absent (undefined or null) is `null`; present is its values as strings (several for an array). */
export type FieldValues = readonly string[] | null;

const EMPTY: readonly string[] = Object.freeze([]);

interface CompiledPath {
  readonly segments: readonly string[];
  /** segments.slice(i).join('.'), for events that keep dotted keys flat. */
  readonly suffixes: readonly string[];
}

function compilePath(path: string): CompiledPath {
  const segments = path.split('.');
  return { segments, suffixes: segments.map((_, index) => segments.slice(index).join('.')) };
}

function read(root: unknown, path: CompiledPath): unknown {
  let node = root;
  const { segments, suffixes } = path;
  for (let index = 0; index < segments.length; index++) {
    if (typeof node !== 'object' || node === null) return undefined;
    const container = node as Record<string, unknown>;
    const next = container[segments[index] as string];
    if (next === undefined && index < segments.length - 1) {
      const flat = container[suffixes[index] as string];
      if (flat !== undefined) return flat;
    }
    node = next;
  }
  return node;
}

function toValues(value: unknown): FieldValues {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return [String(value)];
  if (Array.isArray(value)) {
    const values: string[] = [];
    for (const item of value) {
      if (typeof item === 'string') values.push(item);
      else if (typeof item === 'number' || typeof item === 'boolean') values.push(String(item));
      else if (item !== null && item !== undefined) values.push(JSON.stringify(item));
    }
    return values;
  }
  return EMPTY;
}

function parseJsonText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

interface Slot {
  readonly access: FieldAccess;
  readonly paths: readonly CompiledPath[];
}

export class FieldSlots {
  readonly #slots: Slot[] = [];
  readonly #index = new Map<string, number>();

  slotOf(access: FieldAccess): number {
    const key = accessKey(access);
    const existing = this.#index.get(key);
    if (existing !== undefined) return existing;
    const slot = this.#slots.length;
    const paths = access.kind === 'paths' ? access.paths.map(compilePath) : [compilePath(access.path.join('.'))];
    this.#slots.push({ access, paths });
    this.#index.set(key, slot);
    return slot;
  }

  get size(): number {
    return this.#slots.length;
  }

  createView(): EventView {
    return new EventView([...this.#slots]);
  }
}

export class EventView {
  readonly #slots: readonly Slot[];
  readonly #stamp: Uint32Array;
  readonly #lowerStamp: Uint32Array;
  readonly #raw: FieldValues[];
  readonly #lower: FieldValues[];
  /** One-element arrays reused per slot: most fields hold one value, and a fresh array per read is garbage. */
  readonly #rawSingle: string[][];
  readonly #lowerSingle: string[][];
  #generation = 0;
  #event: Record<string, unknown> = {};
  #json: Map<string, unknown> | undefined;

  constructor(slots: readonly Slot[]) {
    this.#slots = slots;
    this.#stamp = new Uint32Array(slots.length);
    this.#lowerStamp = new Uint32Array(slots.length);
    this.#raw = new Array<FieldValues>(slots.length).fill(null);
    this.#lower = new Array<FieldValues>(slots.length).fill(null);
    this.#rawSingle = slots.map(() => ['']);
    this.#lowerSingle = slots.map(() => ['']);
  }

  reset(event: Record<string, unknown>): void {
    this.#event = event;
    this.#json = undefined;
    this.#generation++;
    if (this.#generation === 0xffffffff) {
      this.#generation = 1;
      this.#stamp.fill(0);
      this.#lowerStamp.fill(0);
    }
  }

  raw(slot: number): FieldValues {
    if (this.#stamp[slot] === this.#generation) return this.#raw[slot] ?? null;
    const values = this.#readSlot(slot);
    this.#raw[slot] = values;
    this.#stamp[slot] = this.#generation;
    return values;
  }

  lower(slot: number): FieldValues {
    if (this.#lowerStamp[slot] === this.#generation) return this.#lower[slot] ?? null;
    const raw = this.raw(slot);
    let values: FieldValues = raw;
    if (raw !== null) {
      if (raw.length === 1) {
        const single = this.#lowerSingle[slot] as string[];
        single[0] = (raw[0] as string).toLowerCase();
        values = single;
      } else if (raw.length > 1) {
        values = raw.map((value) => value.toLowerCase());
      }
    }
    this.#lower[slot] = values;
    this.#lowerStamp[slot] = this.#generation;
    return values;
  }

  #readSlot(index: number): FieldValues {
    const slot = this.#slots[index] as Slot;
    if (slot.access.kind === 'json') {
      const source = slot.access.source;
      this.#json ??= new Map();
      let parsed = this.#json.get(source);
      if (parsed === undefined && !this.#json.has(source)) {
        parsed = parseJsonText(read(this.#event, compilePath(source)));
        this.#json.set(source, parsed);
      }
      return slot.paths[0]?.segments.length === 1 && slot.paths[0].segments[0] === '' ? toValues(parsed) : toValues(read(parsed, slot.paths[0] as CompiledPath));
    }
    for (const path of slot.paths) {
      const value = read(this.#event, path);
      if (value === undefined || value === null) continue;
      if (typeof value === 'string') {
        const single = this.#rawSingle[index] as string[];
        single[0] = value;
        return single;
      }
      return toValues(value);
    }
    return null;
  }
}
