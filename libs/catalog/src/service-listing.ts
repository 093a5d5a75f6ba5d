/** Listing services a page at a time, keeping those a filter lets through (`matchesFilter`). */
import type { Service } from '@cite/model';
import { encodeCursor, type Repository } from '@cite/store';
import { matchesFilter, type ServiceFilter } from './service-rules';

const DEFAULT_PAGE = 100;

/**
 * Up to `limit` services (100 by default) that `filter` keeps, from `cursor` on, and a cursor when more may follow.
 * Reads etcd in pages of at least 100, since a filter may skip most of a page.
 */
export async function listServices(
  services: Repository<Service>,
  filter: ServiceFilter & { limit?: number; cursor?: string },
): Promise<{ items: Service[]; nextCursor?: string }> {
  const limit = filter.limit ?? DEFAULT_PAGE;
  const items: Service[] = [];
  let cursor = filter.cursor;
  for (;;) {
    const page = await services.list({ limit: Math.max(limit, DEFAULT_PAGE), cursor });
    for (const [index, item] of page.items.entries()) {
      if (!matchesFilter(item.value, filter)) continue;
      items.push(item.value);
      if (items.length === limit) {
        const more = index < page.items.length - 1 || page.nextCursor !== undefined;
        return more ? { items, nextCursor: encodeCursor(item.id) } : { items };
      }
    }
    if (page.nextCursor === undefined) return { items };
    cursor = page.nextCursor;
  }
}
