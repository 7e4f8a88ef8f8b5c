import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import * as ts from 'typescript';

/**
 * The layer rule of docs/ARCHITECTURE.md ("Layers"), checked on the import statements of every source file. Test code
 * (`*.spec.ts`, `*.pg-spec.ts`, `*.contract.ts`) is left out; `src/main.ts` and `src/app.module.ts`
 * are the composition root and may import anything.
 */
const SRC = resolve(__dirname, '..', 'src');
const LAYERS = ['domain', 'application', 'infrastructure', 'interface'] as const;
type Layer = (typeof LAYERS)[number];

type Target = { kind: 'local'; layer: Layer | 'root' | 'outside'; path: string } | { kind: 'package'; name: string };

const isTestCode = (file: string): boolean => /\.(spec|pg-spec|contract)\.ts$/.test(file);

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && !isTestCode(entry.name) ? [path] : [];
  });

const layerOf = (path: string): Layer | 'root' | 'outside' => {
  const inSrc = relative(SRC, path);
  if (inSrc.startsWith('..') || resolve(SRC, inSrc) !== path) return 'outside';
  const [first, ...rest] = inSrc.split(sep);
  if (rest.length === 0) return 'root';
  return LAYERS.find((layer) => layer === first) ?? 'outside';
};

const packageName = (specifier: string): string => {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
};

/** Every module the source names: imports (type-only too), re-exports, dynamic imports, require and reference directives. */
const importsOf = (file: string, source: string): Target[] => {
  const info = ts.preProcessFile(source, true, true);
  const local = (specifier: string): Target => {
    const path = resolve(dirname(file), specifier);
    return { kind: 'local', layer: layerOf(path), path };
  };
  return [
    ...info.importedFiles.map(({ fileName }) =>
      fileName.startsWith('.') || fileName.startsWith('/') ? local(fileName) : { kind: 'package' as const, name: packageName(fileName) },
    ),
    ...info.referencedFiles.map(({ fileName }) => local(fileName)),
    ...info.typeReferenceDirectives.map(({ fileName }): Target => ({ kind: 'package', name: fileName })),
  ];
};

/** Packages the domain may use: pure data structures, no I/O, no framework. */
const DOMAIN_PACKAGES = new Set(['immutable']);

const allowed: Record<Layer | 'root', (target: Target) => boolean> = {
  domain: (t) => (t.kind === 'local' ? t.layer === 'domain' : DOMAIN_PACKAGES.has(t.name)),
  application: (t) =>
    t.kind === 'local' ? t.layer === 'domain' || t.layer === 'application' : t.name === '@nestjs/common' || t.name === '@nestjs/cqrs',
  infrastructure: (t) => t.kind === 'package' || t.layer !== 'interface',
  interface: (t) => t.kind === 'package' || t.layer !== 'infrastructure',
  root: () => true,
};

const describeTarget = (target: Target): string =>
  target.kind === 'package' ? `package ${target.name}` : relative(resolve(SRC, '..'), target.path);

/** The imports of `file` that break the layer rule, one line each. */
const violations = (file: string, source: string): string[] => {
  const layer = layerOf(file);
  const name = relative(resolve(SRC, '..'), file);
  if (layer === 'outside') return [`${name} is not in a known layer`];
  return importsOf(file, source)
    .filter((target) => !allowed[layer](target))
    .map((target) => `${name} (${layer}) imports ${describeTarget(target)}`);
};

describe('architecture: the layer rule', () => {
  const files = sourceFiles(SRC);

  describe('the checker', () => {
    const check = (path: string, source: string): string[] => violations(join(SRC, path), source);

    it.each([
      ['domain/room/fake.ts', "import { Injectable } from '@nestjs/common';", 'package @nestjs/common'],
      ['domain/room/fake.ts', "import { randomUUID } from 'node:crypto';", 'package node:crypto'],
      ['domain/room/fake.ts', "import type { Clock } from '../../application/ports/clock.port';", 'src/application/ports/clock.port'],
      ['domain/fake.ts', "export { x } from '../infrastructure/config';", 'src/infrastructure/config'],
      ['domain/fake.ts', "import { x } from '../../test/support/decider-spec';", 'test/support/decider-spec'],
      ['application/fake.ts', "import type { Server } from 'socket.io';", 'package socket.io'],
      ['application/fake.ts', "import { Logger } from 'nestjs-pino';", 'package nestjs-pino'],
      ['application/fake.ts', "import { loadConfig } from '../infrastructure/config';", 'src/infrastructure/config'],
      ['application/queries/fake.ts', "export * from '../../interface/ws/chat.gateway';", 'src/interface/ws/chat.gateway'],
      ['application/fake.ts', "const m = () => import('../interface/lifecycle');", 'src/interface/lifecycle'],
      ['application/fake.ts', "const pino = require('pino');", 'package pino'],
      ['application/fake.ts', "import type { AppModule } from '../app.module';", 'src/app.module'],
      ['infrastructure/fake.ts', "import { ChatGateway } from '../interface/ws/chat.gateway';", 'src/interface/ws/chat.gateway'],
      [
        'interface/ws/fake.ts',
        "import type { HmacTokenSigner } from '../../infrastructure/hmac-token-signer';",
        'src/infrastructure/hmac-token-signer',
      ],
    ])('flags %s importing: %s', (path, source, culprit) => {
      const found = check(path, `// a fake source\n${source}\nexport const y = 1;\n`);
      expect(found).toHaveLength(1);
      expect(found[0]).toContain(culprit);
    });

    it('accepts what each layer may import', () => {
      expect(
        check('domain/room/fake.ts', "import { DomainError } from '../shared/domain-error';\nimport type { E } from './room.events';"),
      ).toEqual([]);
      expect(check('domain/shared/fake.ts', "import { OrderedMap } from 'immutable';")).toEqual([]);
      expect(
        check(
          'application/commands/fake.ts',
          "import { Injectable } from '@nestjs/common';\nimport { CommandHandler } from '@nestjs/cqrs';\nimport { roomDecider } from '../../domain/room/room.decider';\nimport { Clock } from '../ports/clock.port';",
        ),
      ).toEqual([]);
      expect(
        check(
          'infrastructure/fake.ts',
          "import Database from 'better-sqlite3';\nimport { EventStore } from '../application/ports/event-store.port';",
        ),
      ).toEqual([]);
      expect(
        check(
          'interface/fake.ts',
          "import { Server } from 'socket.io';\nimport { CommandBus } from '@nestjs/cqrs';\nimport { JoinRoomCommand } from '../application/commands/join-room.command';",
        ),
      ).toEqual([]);
      expect(
        check(
          'app.module.ts',
          "import { InfrastructureModule } from './infrastructure/infrastructure.module';\nimport { ChatGateway } from './interface/ws/chat.gateway';",
        ),
      ).toEqual([]);
    });

    it('reports every offending import, not just the first', () => {
      expect(
        check('domain/fake.ts', "import 'reflect-metadata';\nimport { a } from '@nestjs/core';\nimport { b } from './ok';"),
      ).toHaveLength(2);
    });
  });

  it('finds the source files of every layer and their imports', () => {
    const layers = new Set(files.map(layerOf));
    expect([...layers].sort()).toEqual(['application', 'domain', 'infrastructure', 'interface', 'root']);
    expect(files.some((file) => isTestCode(file))).toBe(false);
    const importCount = files.reduce((count, file) => count + importsOf(file, readFileSync(file, 'utf8')).length, 0);
    expect(importCount).toBeGreaterThan(files.length);
  });

  it.each(LAYERS)('src/%s keeps to its imports', (layer) => {
    const inLayer = files.filter((file) => layerOf(file) === layer);
    expect(inLayer.length).toBeGreaterThan(0);
    expect(inLayer.flatMap((file) => violations(file, readFileSync(file, 'utf8')))).toEqual([]);
  });
});
