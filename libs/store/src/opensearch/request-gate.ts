/**
 * At most `limit` holders at once, served first come first served. The store
 * takes a place only once a bulk body is built, so a worker's next chunk is
 * ready to go the moment the previous request returns.
 */
export class RequestGate {
  private holders = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(operation: () => Promise<T>): Promise<T> {
    if (this.holders < this.limit) this.holders++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await operation();
    } finally {
      // The place passes straight to the next waiter, so a newcomer cannot overtake it.
      const next = this.waiting.shift();
      if (next) next();
      else this.holders--;
    }
  }
}
