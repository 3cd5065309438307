// Matches a request to a route: 404 for unknown paths, 405 for a known path
// with another method.
import { ApiError } from './errors.js';
import type { Route } from './route.js';

interface Compiled {
  route: Route;
  pattern: RegExp;
  names: string[];
}

export interface Match {
  route: Route;
  params: Record<string, string>;
}

export function createRouter(routes: readonly Route[]) {
  const compiled: Compiled[] = routes.map((route) => {
    const names: string[] = [];
    const source = route.path
      .split('/')
      .map((segment) => {
        const name = /^\{(\w+)\}$/.exec(segment)?.[1];
        if (!name) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(name);
        return '([^/]+)';
      })
      .join('/');
    return { route, pattern: new RegExp(`^${source}$`), names };
  });

  return function match(method: string, pathname: string): Match {
    const allowed: string[] = [];
    for (const { route, pattern, names } of compiled) {
      const m = pattern.exec(pathname);
      if (!m) continue;
      if (route.method !== method) {
        allowed.push(route.method);
        continue;
      }
      const params: Record<string, string> = {};
      try {
        names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1] ?? '')));
      } catch {
        throw new ApiError('BAD_REQUEST', 'malformed path');
      }
      return { route, params };
    }
    if (allowed.length > 0)
      throw new ApiError(
        'BAD_REQUEST',
        `${method} is not supported here`,
        undefined,
        { allow: allowed.join(', ') },
        405,
      );
    throw new ApiError('NOT_FOUND', `no API endpoint ${pathname}`);
  };
}
