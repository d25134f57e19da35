import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import type { FieldIssue } from './errors.ts';

/** `/policies/3/bands/1/ratio_bp` → `policies[3].bands[1].ratio_bp` (the form users read in errors). */
export function fieldPath(instancePath: string, root = ''): string {
  let out = root;
  for (const raw of instancePath.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(part) ? `[${part}]` : out === '' ? part : `.${part}`;
  }
  return out === '' ? '(root)' : out;
}

const compiled = new WeakMap<TSchema, ReturnType<typeof Compile>>();

/**
 * Every schema violation of `value`, each with the path of the field. Unknown
 * keys are allowed (imports and the HIS interface ignore them).
 */
export function schemaIssues(schema: TSchema, value: unknown, root = ''): FieldIssue[] {
  let validator = compiled.get(schema);
  if (!validator) {
    validator = Compile(schema);
    compiled.set(schema, validator);
  }
  if (validator.Check(value)) return [];
  return [...validator.Errors(value)].map((e) => {
    const missing = (e.params as { requiredProperties?: string[] }).requiredProperties;
    if (e.keyword === 'required' && missing?.length) {
      const base = fieldPath(e.instancePath, root);
      return { path: base === '(root)' ? missing[0]! : `${base}.${missing[0]}`, message: 'is required' };
    }
    return { path: fieldPath(e.instancePath, root), message: e.message };
  });
}
