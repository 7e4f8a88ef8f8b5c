import { parse } from 'cookie';

export const SESSION_COOKIE = 'chat_session';

export const tokenFromCookieHeader = (header: string | undefined): string | undefined => {
  if (header === undefined || header.length > 8192) return undefined;
  try {
    return parse(header)[SESSION_COOKIE];
  } catch {
    return undefined;
  }
};

export const sessionCookieOptions = (secure: boolean, maxAgeDays: number) => ({
  httpOnly: true,
  sameSite: 'lax' as const,
  secure,
  path: '/',
  maxAge: maxAgeDays * 86_400_000,
});
