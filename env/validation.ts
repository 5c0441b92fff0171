/** Turns zod's issues into one readable line that names each bad field and what was wrong with it. */
import type { z } from 'zod';

function formatPath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out === '' ? String(key) : `.${String(key)}`;
  return out === '' ? '(top level)' : out;
}

function shortValue(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** Parses `value` against `schema`; on failure throws `invalid <what>: <field>: <problem> (got <value>); ...`. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string, root = ''): z.output<S> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const got =
      'input' in issue && issue.input !== undefined && (typeof issue.input !== 'object' || issue.input === null)
        ? ` (got ${shortValue(issue.input)})`
        : '';
    return `${formatPath(root, issue.path)}: ${issue.message}${got}`;
  });
  throw new Error(`invalid ${what}: ${problems.join('; ')}`);
}
