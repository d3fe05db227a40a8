/** A search an analyst named to run again: the query, its time range (ISO or date math such as now-24h) and how to show it. */
export interface SavedSearchInput {
  readonly name: string;
  readonly description?: string;
  readonly q: string;
  readonly from?: string;
  readonly to?: string;
  readonly sort?: 'asc' | 'desc';
  readonly fields?: readonly string[];
  /** The tenant it belongs to; the API sets it to the caller's (absent: default). */
  readonly tenant?: string;
}

export interface SavedSearch extends SavedSearchInput {
  readonly id: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface SavedSearchStore {
  ensureReady(): Promise<void>;
  /** Every saved search, by name. */
  list(): Promise<SavedSearch[]>;
  get(id: string): Promise<SavedSearch | undefined>;
  /** Stores it under a new id. */
  create(input: SavedSearchInput): Promise<SavedSearch>;
  /** Replaces it, keeping its id and creation time; undefined when there is none. */
  update(id: string, input: SavedSearchInput): Promise<SavedSearch | undefined>;
  /** False when there was none. */
  delete(id: string): Promise<boolean>;
  close(): Promise<void>;
}
