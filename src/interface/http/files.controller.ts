import { Controller, Get, HttpCode, HttpException, HttpStatus, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import multer from 'multer';
import { createHash } from 'node:crypto';
import { UploadFileCommand } from '../../application/commands/upload-file.command';
import { DownloadFileQuery } from '../../application/queries/download-file.query';
import { AppConfig } from '../../application/ports/app-config';
import { IdGenerator } from '../../application/ports/id-generator.port';
import { RateLimiter } from '../../application/ports/rate-limiter.port';
import { toClientError } from '../client-error';
import { ALLOWED_TYPES, cleanFileName, sniffType } from './file-types';
import { ApiErrors, ApiSession, SET_COOKIE, UploadedFile, UNAVAILABLE } from './api-models';
import { SessionCookie } from './session-cookie';
import type { Identity } from '../identity.service';

const UPLOAD_RULE = { perSecond: 0.5, burst: 5 };
const DAY_SECONDS = 24 * 60 * 60;
/** A quota of `bytes` a day as a token bucket: all of it at once, refilled over a rolling 24 hours. */
const dailyQuota = (bytes: number) => ({ perSecond: bytes / DAY_SECONDS, burst: bytes });

const failure = (status: HttpStatus, code: string, message: string, extra: Record<string, unknown> = {}): HttpException =>
  new HttpException({ error: { code, message, ...extra } }, status);

/**
 * `POST /api/files` (multipart, field `file`), then a message with `fileId`; `GET /api/files/:id`
 * for those allowed to see it. Uploads are read into memory up to MAX_UPLOAD_BYTES, so a refused or
 * interrupted upload leaves nothing behind. Uploading needs an established session (no guest is
 * started for it), at most UPLOADS_IN_FLIGHT_PER_IP at once per address on this node, and bytes
 * within the daily quotas per user and per address (counted in the RateLimiter: Redis in a cluster).
 */
@ApiTags('files')
@ApiSession()
@Controller('api/files')
export class FilesController {
  private readonly upload;
  /** uploads being received, by client address; an entry goes when its count is back to 0 */
  private readonly inFlight = new Map<string, number>();

  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
    private readonly sessions: SessionCookie,
    private readonly limiter: RateLimiter,
    private readonly ids: IdGenerator,
    private readonly config: AppConfig,
  ) {
    this.upload = multer({
      storage: multer.memoryStorage(),
      limits: { fileSize: config.maxUploadBytes, files: 1, fields: 0, parts: 2 },
    }).single('file');
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Uploads a file to share: then send a message with its `id` as `fileId`' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary', description: 'The only part' } },
    },
  })
  @ApiCreatedResponse({ type: UploadedFile, headers: SET_COOKIE })
  @ApiErrors(
    [400, ['invalid_payload', 'empty_file'], 'No `file` part, a malformed upload, or an empty file'],
    [401, ['session_required'], 'No session cookie, or its session does not exist: connect or POST /api/session first'],
    [413, ['file_too_large'], 'Larger than MAX_UPLOAD_BYTES (`maxUploadBytes` of GET /api/session)'],
    [415, ['unsupported_type'], 'Not PNG, JPEG, GIF, WebP, PDF or plain text, or the name or declared type disagrees with the bytes'],
    [
      429,
      ['rate_limited', 'quota_exceeded'],
      'Too many uploads, or too many at once from this address (`rate_limited`), or beyond UPLOAD_QUOTA_BYTES a day for this user or UPLOAD_QUOTA_BYTES_PER_IP for this address (`quota_exceeded`); `Retry-After` header and `retryAfterMs`',
    ],
    UNAVAILABLE,
  )
  async create(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ id: string; name: string; type: string; size: number; url: string }> {
    const identity = await this.sessions.existing(req);
    if (identity === undefined)
      throw failure(HttpStatus.UNAUTHORIZED, 'session_required', 'Uploading needs a session: open the chat (or POST /api/session) first');
    const address = req.ip ?? 'unknown';
    const inFlight = this.inFlight.get(address) ?? 0;
    if (inFlight >= this.config.maxUploadsInFlightPerIp)
      throw tooMany(res, 'rate_limited', 'Too many uploads at once from this address', 1000);
    this.inFlight.set(address, inFlight + 1);
    try {
      return await this.accept(identity, address, req, res);
    } finally {
      const left = (this.inFlight.get(address) ?? 1) - 1;
      if (left > 0) this.inFlight.set(address, left);
      else this.inFlight.delete(address);
    }
  }

  private async accept(
    identity: Identity,
    address: string,
    req: Request,
    res: Response,
  ): Promise<{ id: string; name: string; type: string; size: number; url: string }> {
    const decision = await this.limiter.consume(`upload:${identity.actor.userId}`, UPLOAD_RULE);
    if (!decision.allowed) throw tooMany(res, 'rate_limited', 'Too many uploads; wait a little', decision.retryAfterMs);
    const file = await this.receive(req, res);
    if (file === undefined)
      throw failure(HttpStatus.BAD_REQUEST, 'invalid_payload', 'Send the file as multipart/form-data in the field "file"', {
        field: 'file',
      });
    if (file.size === 0) throw failure(HttpStatus.BAD_REQUEST, 'empty_file', 'The file is empty', { field: 'file' });
    const name = cleanFileName(file.originalname);
    const type = sniffType(file.buffer, name, file.mimetype);
    if (type === undefined) {
      throw failure(
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        'unsupported_type',
        `Allowed: ${ALLOWED_TYPES.join(', ')}, with a matching name and content`,
      );
    }
    const quotas = [
      { key: `upload-bytes:user:${identity.actor.userId}`, rule: dailyQuota(this.config.uploadQuotaBytes) },
      { key: `upload-bytes:ip:${address}`, rule: dailyQuota(this.config.uploadQuotaBytesPerIp) },
    ];
    const taken: typeof quotas = [];
    const giveBack = () => Promise.all(taken.map(({ key, rule }) => this.limiter.refund(key, rule, file.size)));
    for (const quota of quotas) {
      const spent = await this.limiter.consume(quota.key, quota.rule, file.size);
      if (!spent.allowed) {
        await giveBack();
        throw tooMany(res, 'quota_exceeded', 'Daily upload quota used up; wait until enough of it is back', spent.retryAfterMs);
      }
      taken.push(quota);
    }
    const fileId = this.ids.id();
    const sha256 = createHash('sha256').update(file.buffer).digest('hex');
    try {
      await this.commandBus.execute(
        new UploadFileCommand(identity.actor, { fileId, name, type, size: file.size, sha256 }, file.buffer, {
          correlationId: this.ids.id(),
        }),
      );
    } catch (error) {
      await giveBack().catch(() => undefined);
      const { internal, ...rejection } = toClientError(error);
      if (internal) throw error;
      throw failure(HttpStatus.SERVICE_UNAVAILABLE, rejection.code, rejection.message);
    }
    return { id: fileId, name, type, size: file.size, url: `/api/files/${fileId}` };
  }

  @Get(':id')
  @ApiOperation({
    summary: 'Downloads a file: for its uploader, members of a room it was shared in, and both sides of a private message with it',
  })
  @ApiParam({ name: 'id', description: 'The `id` from POST /api/files (or `attachment.fileId` of a message)' })
  @ApiProduces(...ALLOWED_TYPES)
  @ApiOkResponse({
    description: 'The bytes; images inline, anything else as an attachment',
    schema: { type: 'string', format: 'binary' },
    headers: {
      'Content-Disposition': { description: '`inline` or `attachment`, with `filename` and `filename*`', schema: { type: 'string' } },
      'X-Content-Type-Options': { schema: { type: 'string', enum: ['nosniff'] } },
      'Content-Security-Policy': { schema: { type: 'string', example: "default-src 'none'; sandbox" } },
    },
  })
  @ApiErrors(
    [401, ['session_required'], 'No session cookie, or its session does not exist'],
    [403, ['forbidden'], 'Not allowed to see this file'],
    [404, ['file_not_found'], 'No such file'],
  )
  async download(@Param('id') id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    // A read never starts a session: someone without one cannot be allowed to see any file anyway.
    const identity = await this.sessions.existing(req);
    if (identity === undefined) throw failure(HttpStatus.UNAUTHORIZED, 'session_required', 'Downloading needs a session');
    const found = await this.queryBus.execute(new DownloadFileQuery(identity.actor.userId, id));
    if (found === 'not_found') throw failure(HttpStatus.NOT_FOUND, 'file_not_found', 'No such file');
    if (found === 'forbidden')
      throw failure(HttpStatus.FORBIDDEN, 'forbidden', 'Only members of a room the file was shared in can download it');
    const { file, bytes } = found;
    const inline = file.type.startsWith('image/');
    res.setHeader('Content-Type', file.type === 'text/plain' ? 'text/plain; charset=utf-8' : file.type);
    res.setHeader('Content-Length', bytes.length);
    res.setHeader(
      'Content-Disposition',
      `${inline ? 'inline' : 'attachment'}; filename="${asciiName(file.name)}"; filename*=UTF-8''${encodeURIComponent(file.name)}`,
    );
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('Cache-Control', 'private, max-age=3600');
    res.end(bytes);
  }

  private receive(req: Request, res: Response): Promise<Express.Multer.File | undefined> {
    return new Promise((resolve, reject) => {
      this.upload(req, res, (error: unknown) => {
        if (error === undefined || error === null) return resolve(req.file);
        if (error instanceof multer.MulterError && error.code === 'LIMIT_FILE_SIZE') {
          return reject(
            failure(HttpStatus.PAYLOAD_TOO_LARGE, 'file_too_large', `Files are limited to ${this.config.maxUploadBytes} bytes`, {
              field: 'file',
            }),
          );
        }
        reject(failure(HttpStatus.BAD_REQUEST, 'invalid_payload', `Upload failed: ${(error as Error).message}`, { field: 'file' }));
      });
    });
  }
}

const tooMany = (res: Response, code: 'rate_limited' | 'quota_exceeded', message: string, retryAfterMs: number): HttpException => {
  res.setHeader('Retry-After', Math.max(1, Math.ceil(retryAfterMs / 1000)));
  return failure(HttpStatus.TOO_MANY_REQUESTS, code, message, { retryAfterMs });
};

const asciiName = (name: string): string => name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
