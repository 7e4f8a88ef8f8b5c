import { ConfigError, loadConfig } from './config';

describe('upload limits configuration', () => {
  it('defaults to 100 MB a day per user, 400 MB per address, a 1 h TTL and 4 uploads in flight per address', () => {
    const config = loadConfig({});
    expect(config.uploadQuotaBytes).toBe(100 * 1024 * 1024);
    expect(config.uploadQuotaBytesPerIp).toBe(400 * 1024 * 1024);
    expect(config.uploadTtlMs).toBe(3_600_000);
    expect(config.maxUploadsInFlightPerIp).toBe(4);
  });

  it.each([
    ['90', 90_000],
    ['500ms', 500],
    ['30s', 30_000],
    ['30m', 1_800_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
  ])('reads UPLOAD_TTL=%s as %d ms', (raw, ms) => {
    expect(loadConfig({ UPLOAD_TTL: raw }).uploadTtlMs).toBe(ms);
  });

  it.each([
    ['UPLOAD_TTL', '1 hour'],
    ['UPLOAD_TTL', '0'],
    ['UPLOAD_TTL', '-5s'],
    ['UPLOAD_QUOTA_BYTES', '0'],
    ['UPLOADS_IN_FLIGHT_PER_IP', 'many'],
  ])('refuses %s=%s naming the variable', (variable, raw) => {
    expect(() => loadConfig({ [variable]: raw })).toThrow(ConfigError);
    expect(() => loadConfig({ [variable]: raw })).toThrow(new RegExp(`^${variable}:`));
  });
});
