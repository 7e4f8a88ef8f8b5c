export type EventStoreConfig = { kind: 'sqlite'; file: string } | { kind: 'memory' } | { kind: 'postgres'; url: string };

/** Everything the server reads from its environment, validated once at start. */
export class AppConfig {
  constructor(
    readonly port: number,
    readonly host: string,
    readonly secretKey: string,
    readonly secretKeyGenerated: boolean,
    readonly corsOrigins: '*' | string[],
    readonly chatRooms: readonly string[],
    readonly dataDir: string,
    readonly eventStore: EventStoreConfig,
    readonly logLevel: string,
    readonly maxMessageLength: number,
    readonly presenceGraceMs: number,
    readonly nodeId: string,
    readonly pretty: boolean,
  ) {}
}
