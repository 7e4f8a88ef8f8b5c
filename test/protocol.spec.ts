import 'reflect-metadata';
import { GATEWAY_METADATA, MESSAGE_MAPPING_METADATA, MESSAGE_METADATA } from '@nestjs/websockets/constants';
import { getMetadataStorage } from 'class-validator';
import { load } from 'js-yaml';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import * as ts from 'typescript';

/**
 * docs/asyncapi.yaml against the code: every client event a gateway handles with every field of its
 * DTO (type and limits too), no documented client event without a handler, and every event the
 * server emits. The document is also parsed and validated by `npm run lint` (scripts/check-asyncapi.js).
 */

const ROOT = resolve(__dirname, '..');
const SRC = join(ROOT, 'src');
const WS = join(SRC, 'interface', 'ws');
const DTO_DIR = join(WS, 'dto');

type Json = Record<string, unknown>;
type Schema = Json & { properties?: Record<string, Json>; required?: string[]; oneOf?: Json[]; allOf?: Json[] };
type Message = Json & { name: string; payload?: Schema; tags?: { name: string }[]; 'x-contract-fields'?: string[] };

const doc = load(readFileSync(join(ROOT, 'docs', 'asyncapi.yaml'), 'utf8')) as Json;

/** Follows local `$ref`s (`#/components/...`) until a node that is not one. */
const deref = <T>(node: unknown): T => {
  let current = node;
  for (let hops = 0; typeof current === 'object' && current !== null && '$ref' in current; hops++) {
    if (hops > 20) throw new Error('$ref loop');
    const ref = String((current as { $ref: unknown }).$ref);
    if (!ref.startsWith('#/')) throw new Error(`only local $refs are expected, got ${ref}`);
    current = ref
      .slice(2)
      .split('/')
      .map((key) => key.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<unknown>((at, key) => (at as Json | undefined)?.[key], doc);
    if (current === undefined) throw new Error(`dangling $ref ${ref}`);
  }
  return current as T;
};

/** A schema with its `allOf` parts folded in (`allOf: [$ref Username], maxLength: 100`). */
const effective = (node: unknown): Schema => {
  const schema = deref<Schema>(node);
  const { allOf, ...own } = schema;
  return Object.assign({}, ...(allOf ?? []).map(effective), own) as Schema;
};

/** The shapes a payload may take: each `oneOf` branch, or the payload itself. */
const forms = (payload: unknown): { properties: Record<string, Schema>; required: string[]; closed: boolean }[] => {
  if (payload === undefined) return [{ properties: {}, required: [], closed: true }];
  const schema = deref<Schema>(payload);
  if (schema.oneOf !== undefined) return schema.oneOf.flatMap(forms);
  const parts = [...(schema.allOf ?? []).map((part) => deref<Schema>(part)), schema];
  return [
    {
      properties: Object.fromEntries(
        parts.flatMap((part) => Object.entries(part.properties ?? {}).map(([name, value]) => [name, effective(value)] as const)),
      ),
      required: parts.flatMap((part) => part.required ?? []),
      closed: parts.some((part) => part.additionalProperties === false),
    },
  ];
};

/** Documented events by direction: `receive` operations are client → server, `send` server → client. */
const documented = (action: 'receive' | 'send'): Map<string, Message[]> => {
  const events = new Map<string, Message[]>();
  for (const operation of Object.values(doc.operations as Record<string, Json>)) {
    if (operation.action !== action) continue;
    for (const ref of operation.messages as unknown[]) {
      const message = deref<Message>(ref);
      events.set(message.name, [...(events.get(message.name) ?? []), message]);
    }
  }
  return events;
};

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !/\.(spec|pg-spec|contract)\.ts$/.test(entry.name) ? [path] : [];
  });

const parse = (file: string): ts.SourceFile => ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);

const walk = (node: ts.Node, visit: (node: ts.Node) => void): void => {
  visit(node);
  node.forEachChild((child) => walk(child, visit));
};

type Handler = { event: string; gateway: string; dto: string | undefined };

/**
 * Every @SubscribeMessage handler, from Nest's metadata on the gateway classes of src/interface/ws,
 * with the DTO its body passes to validatePayload (read from the source: the DTO is not metadata).
 */
const handlers = (): Handler[] =>
  readdirSync(WS)
    .filter((name) => name.endsWith('.gateway.ts'))
    .flatMap((name) => {
      const file = join(WS, name);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const exports = require(file) as Record<string, unknown>;
      const dtoOf = new Map<string, string | undefined>();
      walk(parse(file), (node) => {
        if (!ts.isMethodDeclaration(node)) return;
        let dto: string | undefined;
        walk(node, (inner) => {
          if (ts.isCallExpression(inner) && inner.expression.getText() === 'validatePayload') dto ??= inner.arguments[0]?.getText();
        });
        dtoOf.set(node.name.getText(), dto);
      });
      return Object.values(exports)
        .filter((value): value is new () => object => typeof value === 'function' && Reflect.getMetadata(GATEWAY_METADATA, value) === true)
        .flatMap((gateway) =>
          Object.getOwnPropertyNames(gateway.prototype)
            .filter((method) => Reflect.getMetadata(MESSAGE_MAPPING_METADATA, (gateway.prototype as Json)[method] as object) === true)
            .map((method) => ({
              event: Reflect.getMetadata(MESSAGE_METADATA, (gateway.prototype as Json)[method] as object) as string,
              gateway: `${gateway.name}.${method}`,
              dto: dtoOf.get(method),
            })),
        );
    });

const dtoClasses = (): Map<string, new () => object> => {
  const classes = new Map<string, new () => object>();
  for (const name of readdirSync(DTO_DIR).filter((file) => file.endsWith('.ts'))) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    for (const [exported, value] of Object.entries(require(join(DTO_DIR, name)) as Record<string, unknown>)) {
      if (typeof value === 'function') classes.set(exported, value as new () => object);
    }
  }
  return classes;
};

type Field = { optional: boolean; rules: { name: string; constraints: unknown[] }[] };

/** A DTO's fields from class-validator's metadata: conditional (@IsOptional, @ValidateIf) or not, and their rules. */
const dtoFields = (dto: new () => object): Map<string, Field> => {
  const fields = new Map<string, Field>();
  for (const meta of getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false)) {
    const field = fields.get(meta.propertyName) ?? { optional: false, rules: [] };
    if (meta.type === 'conditionalValidation') field.optional = true;
    else if (meta.name !== undefined) field.rules.push({ name: meta.name, constraints: meta.constraints ?? [] });
    fields.set(meta.propertyName, field);
  }
  return fields;
};

const TYPES: Record<string, string> = { isString: 'string', isInt: 'integer', isBoolean: 'boolean', isNumber: 'number' };

/** Where the documented schema of one field disagrees with one class-validator rule. */
const disagreement = (rule: Field['rules'][number], schema: Schema): string | undefined => {
  const [first, second] = rule.constraints as [unknown, unknown];
  const expect = (keyword: string, value: unknown): string | undefined =>
    schema[keyword] === value ? undefined : `${rule.name}: expected ${keyword} ${String(value)}, documented ${String(schema[keyword])}`;
  switch (rule.name) {
    case 'isLength':
      return expect('minLength', first) ?? expect('maxLength', second);
    case 'maxLength':
      return expect('maxLength', first);
    case 'minLength':
      return expect('minLength', first);
    case 'min':
      return expect('minimum', first);
    case 'max':
      return expect('maximum', first);
    case 'isIso8601':
      return expect('format', 'date-time');
    case 'isIn': {
      const values = schema.enum as unknown[] | undefined;
      return values !== undefined && values.every((value) => (first as unknown[]).includes(value))
        ? undefined
        : `isIn: expected an enum within ${JSON.stringify(first)}, documented ${JSON.stringify(values)}`;
    }
    default:
      return TYPES[rule.name] === undefined
        ? `no check for the rule ${rule.name}: teach test/protocol.spec.ts`
        : expect('type', TYPES[rule.name]);
  }
};

type Emit = { event: string; where: string };

/** The names an expression can evaluate to: a string literal, or the branches of `?:`; undefined when not only those. */
const eventNames = (expression: ts.Expression): string[] | undefined => {
  if (ts.isStringLiteralLike(expression)) return [expression.text];
  if (ts.isParenthesizedExpression(expression)) return eventNames(expression.expression);
  if (!ts.isConditionalExpression(expression)) return undefined;
  const [yes, no] = [eventNames(expression.whenTrue), eventNames(expression.whenFalse)];
  return yes === undefined || no === undefined ? undefined : [...yes, ...no];
};

/**
 * Every `.emit(...)` to clients in src/: a string literal, or a local constant that is one of some
 * string literals (`const name = a ? 'x' : 'y'`). Anything else fails, except Nest's own
 * `{ event, data }` forwarding in app-setup.ts, which no handler uses.
 */
const emits = (): { found: Emit[]; unknown: string[] } => {
  const found: Emit[] = [];
  const unknown: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const source = parse(file);
    const constants = new Map<string, ts.Expression>();
    walk(source, (node) => {
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer !== undefined)
        constants.set(node.name.text, node.initializer);
    });
    walk(source, (node) => {
      if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression) || node.expression.name.text !== 'emit') return;
      const where = `${relative(ROOT, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
      const [first] = node.arguments;
      const values = first === undefined ? undefined : eventNames(ts.isIdentifier(first) ? (constants.get(first.text) ?? first) : first);
      if (values !== undefined) found.push(...values.map((event) => ({ event, where })));
      else if (!(where.startsWith('src/interface/app-setup.ts:') && first?.getText() === 'response.event'))
        unknown.push(`${where}: emit(${first?.getText() ?? ''}, …)`);
    });
  }
  return { found, unknown };
};

describe('docs/asyncapi.yaml against the code', () => {
  const clientEvents = documented('receive');
  const serverEvents = documented('send');
  const gatewayHandlers = handlers();
  const emitted = emits();

  it('finds the gateways, their handlers and the emits it checks', () => {
    expect(gatewayHandlers.map((h) => h.event)).toEqual(expect.arrayContaining(['join', 'leave', 'message', 'private_message', 'typing']));
    expect(emitted.found.map((e) => e.event)).toEqual(expect.arrayContaining(['session', 'status', 'message', 'error', 'reaction']));
  });

  it('documents every client event a gateway handles (@SubscribeMessage)', () => {
    const missing = gatewayHandlers.filter((h) => !clientEvents.has(h.event)).map((h) => `${h.event} (${h.gateway})`);
    expect(missing).toEqual([]);
  });

  it('documents no client event that no gateway handles', () => {
    const handled = new Set(gatewayHandlers.map((h) => h.event));
    expect([...clientEvents.keys()].filter((event) => !handled.has(event))).toEqual([]);
  });

  it("documents every field of each event's DTO, with its type, limits and whether it is required", () => {
    const classes = dtoClasses();
    const problems: string[] = [];
    for (const { event, gateway, dto } of gatewayHandlers) {
      const shapes = (clientEvents.get(event) ?? []).flatMap((message) => forms(message.payload));
      if (shapes.length === 0) continue; // reported by the test above
      const dtoClass = dto === undefined ? undefined : classes.get(dto);
      if (dto !== undefined && dtoClass === undefined) problems.push(`${gateway}: ${dto} is not exported from src/interface/ws/dto/`);
      const fields = dtoClass === undefined ? new Map<string, Field>() : dtoFields(dtoClass);
      for (const [name, field] of fields) {
        const where = `${event}.${name} (${dto})`;
        const having = shapes.filter((shape) => name in shape.properties);
        if (having.length === 0) {
          problems.push(`${where}: not documented`);
          continue;
        }
        const required = shapes.filter((shape) => shape.required.includes(name)).length;
        if (!field.optional && required !== shapes.length) problems.push(`${where}: always required, not documented as required`);
        if (field.optional && required === shapes.length) problems.push(`${where}: optional, documented as required`);
        for (const shape of having) {
          for (const rule of field.rules) {
            const wrong = disagreement(rule, shape.properties[name]!);
            if (wrong !== undefined) problems.push(`${where}: ${wrong}`);
          }
        }
      }
      for (const shape of shapes) {
        // validatePayload refuses any other key: the document must not promise more, nor allow extra keys.
        for (const name of Object.keys(shape.properties))
          if (!fields.has(name)) problems.push(`${event}.${name}: documented, not in ${dto}`);
        if (!shape.closed) problems.push(`${event}: the payload must say additionalProperties: false`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('documents every event the server emits, and no other', () => {
    const { found, unknown } = emitted;
    expect(unknown).toEqual([]);
    expect(found.filter((e) => !serverEvents.has(e.event)).map((e) => `${e.event} (${e.where})`)).toEqual([]);
    const names = new Set(found.map((e) => e.event));
    expect([...serverEvents.keys()].filter((event) => !names.has(event))).toEqual([]);
  });

  it('marks the original protocol as the compatibility contract, field by field', () => {
    const contract: [direction: Map<string, Message[]>, event: string, fields: string[]][] = [
      [clientEvents, 'join', ['room']],
      [clientEvents, 'leave', ['room']],
      [clientEvents, 'message', ['room', 'msg']],
      [clientEvents, 'message', ['type', 'target', 'msg']],
      [clientEvents, 'private_message', ['target', 'msg']],
      [serverEvents, 'status', ['msg', 'type']],
      [serverEvents, 'message', ['msg', 'username', 'room']],
      [serverEvents, 'private_message', ['msg', 'from', 'to']],
      [serverEvents, 'active_users', ['users']],
    ];
    const problems: string[] = [];
    for (const [direction, event, fields] of contract) {
      const message = (direction.get(event) ?? []).find((m) => JSON.stringify(m['x-contract-fields']) === JSON.stringify(fields));
      const where = `${direction === clientEvents ? 'client' : 'server'} ${event} {${fields.join(', ')}}`;
      if (message === undefined) {
        problems.push(`${where}: no message with these x-contract-fields`);
        continue;
      }
      if (!(message.tags ?? []).some((tag) => deref<{ name: string }>(tag).name === 'compatibility-contract'))
        problems.push(`${where}: not tagged compatibility-contract`);
      const properties = forms(message.payload).flatMap((shape) => Object.keys(shape.properties));
      for (const field of fields) if (!properties.includes(field)) problems.push(`${where}: ${field} not in the payload`);
    }
    expect(problems).toEqual([]);
  });
});
