import { HttpException, HttpStatus } from '@nestjs/common';

export const notFound = (code: string, message: string): HttpException =>
  new HttpException({ error: { code, message } }, HttpStatus.NOT_FOUND);

export const badRequest = (field: string, message: string): HttpException =>
  new HttpException({ error: { code: 'invalid_query', field, message } }, HttpStatus.BAD_REQUEST);

const MAX_PAGE = 100;
const DEFAULT_PAGE = 50;

/** `?limit=`: 1…100, 50 when absent. */
export const parseLimit = (raw: unknown): number => {
  if (raw === undefined) return DEFAULT_PAGE;
  if (typeof raw !== 'string' || !/^\d{1,3}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_PAGE) {
    throw badRequest('limit', `limit must be a whole number from 1 to ${MAX_PAGE}`);
  }
  return Number(raw);
};

/** `?before=`: a message id. */
export const parseBefore = (raw: unknown): string | undefined => {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 100) throw badRequest('before', 'before must be a message id');
  return raw;
};
