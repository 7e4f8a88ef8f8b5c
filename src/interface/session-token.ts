import { parse } from 'cookie';

export const SESSION_COOKIE = 'chat_session';
const ONE_YEAR_S = 365 * 24 * 3600;

export const tokenFromCookieHeader = (header: string | undefined): string | undefined => {
  if (header === undefined || header.length > 8192) return undefined;
  try {
    return parse(header)[SESSION_COOKIE];
  } catch {
    return undefined;
  }
};

export const sessionCookieOptions = (secure: boolean) => ({
  httpOnly: true,
  sameSite: 'lax' as const,
  secure,
  path: '/',
  maxAge: ONE_YEAR_S * 1000,
});
