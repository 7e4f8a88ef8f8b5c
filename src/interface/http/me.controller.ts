import { Controller, Get, HttpException, HttpStatus, Logger, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AppConfig } from '../../application/ports/app-config';
import { RateLimiter } from '../../application/ports/rate-limiter.port';
import { ExportUserDataQuery, type UserExport } from '../../application/queries/export.query';
import { ApiErrors, ApiSession, UNAVAILABLE } from './api-models';
import { UserExportAnswer } from './export-models';
import { SessionCookie } from './session-cookie';

/** Bytes gathered before a write: a few writes per page, not one per message. */
const WRITE_SIZE = 64 * 1024;

const sessionRequired = (): HttpException =>
  new HttpException({ error: { code: 'session_required', message: 'An export needs a session' } }, HttpStatus.UNAUTHORIZED);

/** The response is gone (the client went away): nothing more is read or written. */
class ClientGone extends Error {}

/**
 * Writes JSON to a response as it is made, a chunk at a time, waiting while the client's buffer is
 * full: the memory an export holds is one chunk and one page of the store, however large it is.
 */
class JsonWriter {
  private pending = '';

  constructor(private readonly res: Response) {}

  async add(text: string): Promise<void> {
    this.pending += text;
    if (this.pending.length >= WRITE_SIZE) await this.flush();
  }

  async flush(): Promise<void> {
    const chunk = this.pending;
    this.pending = '';
    if (this.res.destroyed) throw new ClientGone();
    if (chunk === '' || this.res.write(chunk)) return;
    await new Promise<void>((resolve, reject) => {
      const settle = (gone: boolean) => (): void => {
        this.res.off('drain', drained);
        this.res.off('close', closed);
        if (gone) reject(new ClientGone());
        else resolve();
      };
      const drained = settle(false);
      const closed = settle(true);
      this.res.on('drain', drained);
      this.res.on('close', closed);
    });
  }

  /** `"name":[item,item,…]`, reading the items only as fast as they are written. */
  async array(name: string, items: AsyncIterable<unknown>): Promise<void> {
    await this.add(`,${JSON.stringify(name)}:[`);
    let first = true;
    for await (const item of items) {
      await this.add(`${first ? '' : ','}${JSON.stringify(item)}`);
      first = false;
    }
    await this.add(']');
  }
}

@ApiTags('users')
@Controller('api/me')
export class MeController {
  private readonly logger = new Logger('Export');

  constructor(
    private readonly queryBus: QueryBus,
    private readonly sessions: SessionCookie,
    private readonly limiter: RateLimiter,
    private readonly config: AppConfig,
  ) {}

  /** Everything you wrote or received, as one JSON document, folded from the log and streamed as it is read. */
  @Get('export')
  @ApiOperation({
    summary: 'Everything you wrote or received, as one JSON document (a download)',
    description:
      'Folded from the log up to `position`: your room messages and the private messages you sent or received, each as it now stands (edits, deletions and reactions applied), the reactions you made that still stand, the files you uploaded (metadata only), your read markers and your account. Streamed as it is read from the store, so it may be long; a failure midway cuts the response off (the JSON is then incomplete). `RATE_LIMIT_EXPORTS` per user.',
  })
  @ApiSession()
  @ApiProduces('application/json')
  @ApiOkResponse({
    type: UserExportAnswer,
    headers: { 'Content-Disposition': { description: '`attachment; filename="chat-export.json"`', schema: { type: 'string' } } },
  })
  @ApiErrors(
    [401, ['session_required'], 'No established session (none is started for a read)'],
    [429, ['rate_limited'], 'Too many exports for this user (`Retry-After` header and `retryAfterMs`)'],
    UNAVAILABLE,
  )
  async export(@Req() req: Request, @Res() res: Response): Promise<void> {
    const identity = await this.sessions.existing(req);
    if (identity === undefined) throw sessionRequired();
    const { userId } = identity.actor;
    const decision = await this.limiter.consume(`export:user:${userId}`, this.config.rateLimits.exports);
    if (!decision.allowed) {
      res.setHeader('Retry-After', Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
      throw new HttpException(
        { error: { code: 'rate_limited', message: 'Too many exports; wait a little', retryAfterMs: decision.retryAfterMs } },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    // A store failure before anything is written is a 503, as on every route (StoreUnavailableFilter).
    const found = await this.queryBus.execute(new ExportUserDataQuery(userId));
    if (found === undefined) throw sessionRequired();
    try {
      await this.write(res, found);
    } catch (error) {
      if (error instanceof ClientGone) return;
      // The answer has begun: it can only be cut off, so the client sees it is incomplete.
      this.logger.warn({ err: error, userId, outcome: 'cut_off' }, 'export failed midway');
      res.destroy(error as Error);
    }
  }

  private async write(res: Response, found: UserExport): Promise<void> {
    res.status(HttpStatus.OK);
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="chat-export.json"');
    res.setHeader('Cache-Control', 'no-store');
    const { exportedAt, position, account, readMarkers } = found;
    const out = new JsonWriter(res);
    // The head goes out at once: the download starts before the store is read.
    await out.add(JSON.stringify({ exportedAt, position, account, readMarkers }).slice(0, -1));
    await out.flush();
    await out.array('roomMessages', found.roomMessages);
    await out.array('privateMessages', found.privateMessages);
    await out.array('reactions', found.reactions);
    await out.array('files', found.files);
    await out.add('}');
    await out.flush();
    res.end();
  }
}
