/** The search API as the e2e suites read it: hits of a query, and exact counts. */
export interface ApiHit {
  id: string;
  event: Record<string, any>;
}

export function apiClient(apiPort: () => number, headers: () => Readonly<Record<string, string>>) {
  const base = () => `http://127.0.0.1:${apiPort()}/api/v1`;
  return {
    async search(query: string): Promise<ApiHit[]> {
      const response = await fetch(`${base()}/search?size=1000&q=${encodeURIComponent(query)}`, { headers: headers() });
      return ((await response.json()) as { hits: ApiHit[] }).hits;
    },
    async count(query: string): Promise<number> {
      const response = await fetch(`${base()}/count?q=${encodeURIComponent(query)}`, { headers: headers() });
      return ((await response.json()) as { count: number }).count;
    },
  };
}
