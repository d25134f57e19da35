import type { Region } from './model.ts';

/** The province-level division a 6-digit code belongs to (`PP0000`). */
export function provinceOf(code: string): string {
  return `${code.slice(0, 2)}0000`;
}

/** Cross-provincial when the first two digits differ; otherwise, at most, cross-regional inside a province. */
export function isCrossProvincial(a: string, b: string): boolean {
  return a.slice(0, 2) !== b.slice(0, 2);
}

export function isDivisionCode(s: string): boolean {
  return /^\d{6}$/.test(s);
}

/**
 * Why `code` cannot be used where a pooling area is needed, or null when it can.
 * `region` is the stored division (undefined if there is none) and `parent` its
 * province; the answer says what to use instead.
 */
export function notPoolingReason(code: string, region: Region | undefined, parent: Region | undefined): string | null {
  if (!isDivisionCode(code)) return `must be a 6-digit division code, got "${code}"`;
  if (!region) return `${code} is not a pooling area (there is no such division)`;
  if (region.is_pooling) return null;
  const named = `${code} (${region.name_zh})`;
  if (!region.has_scheme) return `${named} is not a pooling area: it is outside the mainland insurance scheme`;
  if (region.level === 1) return `${named} is not a pooling area: it is a province, name one of its prefecture-level divisions`;
  if (parent?.is_pooling) return `${named} is not a pooling area: ${parent.name_zh} pools at province level, use ${parent.code}`;
  return `${named} is not a pooling area`;
}
