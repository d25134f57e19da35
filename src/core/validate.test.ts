import { describe, expect, it } from 'vitest';
import Type from 'typebox';
import { fieldPath, schemaIssues } from './validate.ts';

const Schema = Type.Object({
  name: Type.String({ minLength: 1 }),
  policies: Type.Array(
    Type.Object({
      pooling_area: Type.String({ pattern: '^\\d{6}$' }),
      bands: Type.Array(Type.Object({ ratio_bp: Type.Integer({ minimum: 0, maximum: 10000 }) })),
    }),
  ),
});

const band = (ratio_bp: unknown) => ({ ratio_bp });
const policy = (bands: unknown[]) => ({ pooling_area: '440100', bands });

describe('fieldPath', () => {
  it('turns JSON pointers into the paths users read', () => {
    expect(fieldPath('/policies/3/bands/1/ratio_bp')).toBe('policies[3].bands[1].ratio_bp');
    expect(fieldPath('')).toBe('(root)');
    expect(fieldPath('/0/name')).toBe('[0].name');
    expect(fieldPath('/a~1b/c~0d')).toBe('a/b.c~d');
    expect(fieldPath('/bands/0', 'input')).toBe('input.bands[0]');
    expect(fieldPath('', 'input')).toBe('input');
  });
});

describe('schemaIssues', () => {
  it('is empty for a valid value, unknown keys allowed', () => {
    expect(schemaIssues(Schema, { name: 'x', policies: [policy([band(1)])], extra: true })).toEqual([]);
  });

  it('names the exact nested field', () => {
    const value = {
      name: 'x',
      policies: [policy([]), policy([]), policy([]), policy([band(8000), band(20000)])],
    };
    const issues = schemaIssues(Schema, value);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe('policies[3].bands[1].ratio_bp');
    expect(issues[0]!.message).toMatch(/10000/);
  });

  it('names a missing required field by its own path', () => {
    expect(schemaIssues(Schema, { policies: [] })).toEqual([{ path: 'name', message: 'is required' }]);
    const issues = schemaIssues(Schema, { name: 'x', policies: [policy([]), { bands: [] }] });
    expect(issues).toEqual([{ path: 'policies[1].pooling_area', message: 'is required' }]);
    expect(schemaIssues(Schema, { name: 'x', policies: [policy([{}])] }, 'input')).toEqual([
      { path: 'input.policies[0].bands[0].ratio_bp', message: 'is required' },
    ]);
  });

  it('reports every violation, and the root when the value is the wrong type', () => {
    const issues = schemaIssues(Schema, { name: '', policies: [{ pooling_area: '44', bands: [band('x')] }] });
    expect(issues.map((i) => i.path).sort()).toEqual(['name', 'policies[0].bands[0].ratio_bp', 'policies[0].pooling_area']);
    expect(schemaIssues(Schema, 42)[0]!.path).toBe('(root)');
  });
});
