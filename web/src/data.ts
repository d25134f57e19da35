import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, ApiError, type ChronicDisease, type CodeEntry, type Institution, type Region } from './api.ts';

type State<T> =
  | { state: 'loading'; data: undefined; error: undefined }
  | { state: 'ready'; data: T; error: undefined }
  | { state: 'error'; data: undefined; error: ApiError };

export type Loadable<T> = State<T> & { reload: () => void };

/** GETs `path` (null: nothing to fetch yet) and re-fetches when it changes or on `reload`; stale answers are dropped. */
export function useFetch<T>(path: string | null): Loadable<T> {
  const [result, setResult] = useState<{ path: string | null; value: State<T> }>({
    path: null,
    value: { state: 'loading', data: undefined, error: undefined },
  });
  const [attempt, setAttempt] = useState(0);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  useEffect(() => {
    if (path === null) return;
    const ctl = new AbortController();
    setResult({ path, value: { state: 'loading', data: undefined, error: undefined } });
    api.get<T>(path, ctl.signal).then(
      (data) => setResult({ path, value: { state: 'ready', data, error: undefined } }),
      (e: unknown) => {
        if (ctl.signal.aborted) return;
        const error = e instanceof ApiError ? e : new ApiError(0, 'network', undefined);
        setResult({ path, value: { state: 'error', data: undefined, error } });
      },
    );
    return () => ctl.abort();
  }, [path, attempt]);
  // Until the effect for a new path runs, the previous answer must not pass for this one.
  return { ...(result.path === path ? result.value : { state: 'loading', data: undefined, error: undefined }), reload };
}

/**
 * Reference data (code tables, regions, diseases) changes only with a new
 * release of the data: fetch once per page load and share between pages.
 */
const cache = new Map<string, Promise<unknown>>();

function cached<T>(path: string): Promise<T> {
  let p = cache.get(path);
  if (!p) {
    p = api.get<T>(path);
    // a failed load is retried by the next page that needs it
    p.catch(() => cache.delete(path));
    cache.set(path, p);
  }
  return p as Promise<T>;
}

function useCached<T>(path: string, empty: T): T {
  const [value, setValue] = useState<T>(empty);
  useEffect(() => {
    let live = true;
    cached<T>(path).then(
      (v) => live && setValue(v),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [path]);
  return value;
}

export function useCodes(table: string): CodeEntry[] {
  return useCached<CodeEntry[]>(`/api/codes/${table}`, []);
}

export function useProvinces(): Region[] {
  return useCached<Region[]>('/api/regions?level=1', []);
}

export function usePoolingAreas(): Region[] {
  return useCached<Region[]>('/api/regions?pooling=true', []);
}

export function useChronicDiseases(): ChronicDisease[] {
  return useCached<ChronicDisease[]>('/api/chronic-diseases', []);
}

/** An institution by its code, shared between the rows of a list (a slip names its institution by code); null until known. */
export function useInstitution(code: string): Institution | null {
  return useCached<Institution | null>(`/api/institutions/${encodeURIComponent(code)}`, null);
}

/** Every region the portal names: provinces and pooling areas, by code. */
export function useRegionIndex(): Map<string, Region> {
  const provinces = useProvinces();
  const pooling = usePoolingAreas();
  return useMemo(() => {
    const m = new Map<string, Region>();
    for (const r of provinces) m.set(r.code, r);
    for (const r of pooling) m.set(r.code, r);
    return m;
  }, [provinces, pooling]);
}

/** Drops the shared reference data (on sign-out, so another user starts clean). */
export function clearReferenceCache(): void {
  cache.clear();
}
