import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { StoreUnavailableError } from '../../application/ports/event-store.port';

/**
 * Any REST route whose store read or write fails answers 503 `unavailable` (JSON, with a
 * `Retry-After`), never a 500 and never part of an answer: a history page older than the window in
 * memory is read from the store, and a failure there fails the whole page.
 */
@Catch(StoreUnavailableError)
export class StoreUnavailableFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  catch(error: StoreUnavailableError, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    const { method, url } = http.getRequest<{ method: string; url: string }>();
    this.logger.warn({ err: error, method, url, outcome: 'unavailable' }, 'store unavailable');
    res
      .status(503)
      .setHeader('Retry-After', '1')
      .json({ error: { code: 'unavailable', message: 'Storage is unavailable; try again' } });
  }
}
