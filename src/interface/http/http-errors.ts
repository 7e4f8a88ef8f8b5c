import { HttpException, HttpStatus } from '@nestjs/common';

export const notFound = (code: string, message: string): HttpException =>
  new HttpException({ error: { code, message } }, HttpStatus.NOT_FOUND);

export const badRequest = (field: string, message: string): HttpException =>
  new HttpException({ error: { code: 'invalid_query', field, message } }, HttpStatus.BAD_REQUEST);
