import { FilesReadModel } from '../../src/application/read-models/files.read-model';
import { readdirSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { eventually } from '../support/eventually';
import { appsClosedAfterEach, guestCookie, startApp, type TestApp } from '../support/test-app';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);
const PDF = Buffer.from('%PDF-1.4\n% a tiny document\n');
const HTML = Buffer.from('<!doctype html><script>alert(1)</script>');

describe('file sharing', () => {
  let server: TestApp;

  beforeAll(async () => {
    server = await startApp({ MAX_UPLOAD_BYTES: '4096' });
  });

  afterAll(async () => {
    await server.close();
  });

  const user = async () => {
    const cookie = await guestCookie(server);
    return { cookie, socket: await server.connect({ cookie }) };
  };
  const filesOnDisk = (): string[] => {
    try {
      return readdirSync(join(server.dataDir, 'files'));
    } catch {
      return [];
    }
  };

  it('uploads an image, shares it in a room, and serves it to members with safe headers', async () => {
    const alice = await user();
    const bob = await user();
    await alice.socket.ask('join', { room: 'General' });
    await bob.socket.ask('join', { room: 'General' });
    const upload = await server
      .http()
      .post('/api/files')
      .set('Cookie', alice.cookie)
      .attach('file', PNG, { filename: 'cat.png', contentType: 'image/png' })
      .expect(201);
    expect(upload.body).toEqual({
      id: expect.any(String),
      name: 'cat.png',
      type: 'image/png',
      size: PNG.length,
      url: `/api/files/${upload.body.id}`,
    });

    const sent = await alice.socket.ask<{ message: { attachment: unknown; msg: string } }>('message', {
      room: 'General',
      msg: '',
      fileId: upload.body.id,
    });
    const attachment = { fileId: upload.body.id, name: 'cat.png', type: 'image/png', size: PNG.length };
    expect(sent.message).toMatchObject({ msg: '', attachment });
    await expect(bob.socket.next('message', (m) => m.attachment !== undefined)).resolves.toMatchObject({ attachment });

    const download = await server
      .http()
      .get(upload.body.url)
      .set('Cookie', bob.cookie)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(download.status).toBe(200);
    expect(download.body).toEqual(PNG);
    expect(download.headers['content-type']).toBe('image/png');
    expect(download.headers['content-disposition']).toMatch(/^inline; filename="cat.png"/);
    expect(download.headers['x-content-type-options']).toBe('nosniff');

    const history = await server.http().get('/api/rooms/General/messages').expect(200);
    expect(history.body.messages[0]).toMatchObject({ attachment });
  });

  it('refuses the download to someone outside the room', async () => {
    const alice = await user();
    const outsider = await user();
    await alice.socket.ask('join', { room: 'Code with Josh' });
    const upload = await server
      .http()
      .post('/api/files')
      .set('Cookie', alice.cookie)
      .attach('file', PDF, { filename: 'notes.pdf', contentType: 'application/pdf' })
      .expect(201);
    await alice.socket.ask('message', { room: 'Code with Josh', msg: 'the notes', fileId: upload.body.id });
    const refused = await server.http().get(upload.body.url).set('Cookie', outsider.cookie).expect(403);
    expect(refused.body).toEqual({ error: { code: 'forbidden', message: expect.any(String) } });
    // Without any session: refused before anything else, and no guest is started for it.
    await server.http().get(upload.body.url).expect(401);
    const own = await server.http().get(upload.body.url).set('Cookie', alice.cookie).expect(200);
    expect(own.headers['content-disposition']).toMatch(/^attachment; filename="notes.pdf"/);
    await server.http().get('/api/files/00000000-0000-0000-0000-000000000000').set('Cookie', alice.cookie).expect(404);
  });

  it('shares a file in a private message with exactly the two sides', async () => {
    const alice = await user();
    const bob = await user();
    const carol = await user();
    const upload = await server.http().post('/api/files').set('Cookie', alice.cookie).attach('file', PNG, 'secret.png').expect(201);
    await alice.socket.ask('private_message', { target: bob.socket.username, msg: 'look', fileId: upload.body.id });
    await expect(bob.socket.next('private_message')).resolves.toMatchObject({ attachment: { fileId: upload.body.id } });
    await server.http().get(upload.body.url).set('Cookie', bob.cookie).expect(200);
    await server.http().get(upload.body.url).set('Cookie', carol.cookie).expect(403);
  });

  it('keeps in memory only files waiting to be shared; who may download a shared one comes from the log', async () => {
    const alice = await user();
    const bob = await user();
    await alice.socket.ask('join', { room: 'The Nerd Nook' });
    const files = server.app.get(FilesReadModel);
    const waiting = await server.http().post('/api/files').set('Cookie', alice.cookie).attach('file', PNG, 'later.png').expect(201);
    const shared = await server.http().post('/api/files').set('Cookie', alice.cookie).attach('file', PNG, 'now.png').expect(201);
    await alice.socket.ask('message', { room: 'The Nerd Nook', msg: 'now', fileId: shared.body.id });
    expect(files.snapshot()).toContainEqual([waiting.body.id, expect.any(Number)]);
    expect(files.snapshot()).not.toContainEqual([shared.body.id, expect.any(Number)]);
    await server.http().get(shared.body.url).set('Cookie', bob.cookie).expect(403);
    await bob.socket.ask('join', { room: 'The Nerd Nook' });
    await server.http().get(shared.body.url).set('Cookie', bob.cookie).expect(200);
  });

  it('answers a download without a session with 401, writing nothing to the log', async () => {
    const alice = await user();
    const upload = await server.http().post('/api/files').set('Cookie', alice.cookie).attach('file', PNG, 'mine.png').expect(201);
    const head = await server.store.headPosition();
    for (let i = 0; i < 20; i++) {
      const anonymous = await server.http().get(upload.body.url).expect(401);
      expect(anonymous.body).toEqual({ error: { code: 'session_required', message: expect.any(String) } });
      expect(anonymous.headers['set-cookie']).toBeUndefined();
    }
    expect(await server.store.headPosition()).toBe(head);
  });

  it("does not let anyone share someone else's file", async () => {
    const alice = await user();
    const mallory = await user();
    await mallory.socket.ask('join', { room: 'General' });
    const upload = await server.http().post('/api/files').set('Cookie', alice.cookie).attach('file', PNG, 'mine.png').expect(201);
    await expect(mallory.socket.ask('message', { room: 'General', msg: 'stolen', fileId: upload.body.id })).resolves.toMatchObject({
      error: { code: 'file_not_found' },
    });
  });

  it.each([
    ['an oversize file', Buffer.alloc(5000, 'a'), 'big.txt', 'text/plain', 413, 'file_too_large'],
    ['an empty file', Buffer.alloc(0), 'empty.txt', 'text/plain', 400, 'empty_file'],
    ['an HTML page named .png', HTML, 'cat.png', 'image/png', 415, 'unsupported_type'],
    ['an HTML page named .txt', HTML, 'page.txt', 'text/plain', 415, 'unsupported_type'],
    ['a PNG named .pdf', PNG, 'report.pdf', 'application/pdf', 415, 'unsupported_type'],
    ['an executable', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), 'tool.bin', 'application/octet-stream', 415, 'unsupported_type'],
  ])('refuses %s with a clear 4xx and leaves nothing behind', async (_, bytes, filename, contentType, status, code) => {
    const alice = await user();
    const before = { files: filesOnDisk(), head: await server.store.headPosition() };
    const response = await server.http().post('/api/files').set('Cookie', alice.cookie).attach('file', bytes, { filename, contentType });
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe(code);
    expect(filesOnDisk()).toEqual(before.files);
    expect(await server.store.headPosition()).toBe(before.head);
  });

  it('leaves nothing behind when an upload is cut off midway', async () => {
    const alice = await user();
    const before = { files: filesOnDisk(), head: await server.store.headPosition() };
    const { port } = new URL(server.url);
    const boundary = 'cut-off-boundary';
    await new Promise<void>((resolve) => {
      const request = httpRequest({
        host: '127.0.0.1',
        port: Number(port),
        method: 'POST',
        path: '/api/files',
        headers: { Cookie: alice.cookie, 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': '4000' },
      });
      request.on('error', () => resolve());
      request.on('response', () => resolve());
      request.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="cut.png"\r\nContent-Type: image/png\r\n\r\n`);
      request.write(PNG.subarray(0, 20), () => request.destroy());
    });
    // A complete upload afterwards is served normally and is the only new file.
    const next = await server.http().post('/api/files').set('Cookie', alice.cookie).attach('file', PNG, 'after.png').expect(201);
    expect(filesOnDisk().sort()).toEqual([...before.files, next.body.id].sort());
    expect(await server.store.headPosition()).toBe(before.head + 1);
  });

  it('refuses a request without a file part', async () => {
    const alice = await user();
    const response = await server.http().post('/api/files').set('Cookie', alice.cookie).field('note', 'no file here').expect(400);
    expect(response.body.error).toMatchObject({ code: 'invalid_payload', field: 'file' });
  });

  const startOwnApp = appsClosedAfterEach();

  it('survives a restart: the file and its message are still there', async () => {
    const fresh = await startOwnApp();
    const cookie = await guestCookie(fresh);
    const socket = await fresh.connect({ cookie });
    await socket.ask('join', { room: 'General' });
    const upload = await fresh.http().post('/api/files').set('Cookie', cookie).attach('file', PNG, 'kept.png').expect(201);
    await socket.ask('message', { room: 'General', msg: 'kept', fileId: upload.body.id });
    await fresh.close();
    const again = await startOwnApp({}, fresh.dataDir);
    const resumed = await again.connect({ cookie });
    await resumed.ask('join', { room: 'General' });
    await again.http().get(upload.body.url).set('Cookie', cookie).expect(200);
  });
});

describe('upload limits', () => {
  const start = appsClosedAfterEach();

  const filesIn = (server: TestApp): string[] => {
    try {
      return readdirSync(join(server.dataDir, 'files')).filter((name) => !name.endsWith('.part'));
    } catch {
      return [];
    }
  };
  const text = (bytes: number, fill = 'a'): Buffer => Buffer.alloc(bytes, fill);
  const upload = (server: TestApp, cookie: string | undefined, bytes: Buffer, filename = 'notes.txt') => {
    const sent = server.http().post('/api/files');
    if (cookie !== undefined) sent.set('Cookie', cookie);
    return sent.attach('file', bytes, { filename, contentType: filename.endsWith('.png') ? 'image/png' : 'text/plain' });
  };

  it('needs an established session: 1,000 attempts without one are 401 and leave 0 bytes and 0 events', async () => {
    const server = await start();
    const head = await server.store.headPosition();
    const big = Buffer.concat([PNG, Buffer.alloc(1_300_000, 1)]);
    for (let i = 0; i < 30; i++) {
      const response = await upload(server, undefined, big, `big-${i}.png`);
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ error: { code: 'session_required', message: expect.any(String) } });
      expect(response.headers['set-cookie']).toBeUndefined();
    }
    // A cookie for a session that does not exist (signed with another key, or made up) is no session either.
    for (const cookie of ['chat_session=made-up', 'chat_session=']) {
      const response = await upload(server, cookie, PNG, 'forged.png');
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('session_required');
    }
    for (let batch = 0; batch < 968 / 44; batch++) {
      const answers = await Promise.all(Array.from({ length: 44 }, () => upload(server, undefined, PNG, 'small.png')));
      expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 401));
    }
    expect(filesIn(server)).toEqual([]);
    expect(await server.store.headPosition()).toBe(head);
  }, 60_000);

  it('counts bytes per user and per address for a day: beyond the quota, 429 quota_exceeded and nothing written', async () => {
    const server = await start({ UPLOAD_QUOTA_BYTES: '3000', UPLOAD_QUOTA_BYTES_PER_IP: '5000', MAX_UPLOAD_BYTES: '4096' });
    const alice = await guestCookie(server);
    for (let i = 0; i < 3; i++) await upload(server, alice, text(1000)).expect(201);
    const before = { files: filesIn(server), head: await server.store.headPosition() };
    const refused = await upload(server, alice, text(1000)).expect(429);
    expect(refused.body).toEqual({ error: { code: 'quota_exceeded', message: expect.any(String), retryAfterMs: expect.any(Number) } });
    expect(refused.body.error.retryAfterMs).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(filesIn(server)).toEqual(before.files);
    expect(await server.store.headPosition()).toBe(before.head);

    // Another user from the same address has the address's remaining 2000 bytes.
    const bob = await guestCookie(server);
    await upload(server, bob, text(1000)).expect(201);
    await upload(server, bob, text(1000)).expect(201);
    const byAddress = await upload(server, bob, text(500)).expect(429);
    expect(byAddress.body.error.code).toBe('quota_exceeded');
  });

  it('removes a file not shared within UPLOAD_TTL: bytes gone, FileExpired in the log, 404, cannot be shared', async () => {
    const server = await start({ UPLOAD_TTL: '400ms' });
    const cookie = await guestCookie(server);
    const socket = await server.connect({ cookie });
    await socket.ask('join', { room: 'General' });
    const shared = await upload(server, cookie, PNG, 'shared.png').expect(201);
    await socket.ask('message', { room: 'General', msg: 'kept', fileId: shared.body.id });
    const unshared = await upload(server, cookie, PNG, 'forgotten.png').expect(201);
    expect(filesIn(server).sort()).toEqual([shared.body.id, unshared.body.id].sort());

    await eventually(async () => !filesIn(server).includes(unshared.body.id), 10_000);
    const stream = await server.store.readStream(`file-${unshared.body.id}`);
    expect(stream.map((event) => event.type)).toEqual(['FileUploaded', 'FileExpired']);
    const gone = await server.http().get(unshared.body.url).set('Cookie', cookie).expect(404);
    expect(gone.body.error.code).toBe('file_not_found');
    await expect(socket.ask('message', { room: 'General', msg: 'too late', fileId: unshared.body.id })).resolves.toMatchObject({
      error: { code: 'file_not_found' },
    });

    // The file shared in time is older than the expired one, and stays.
    expect(filesIn(server)).toEqual([shared.body.id]);
    await server.http().get(shared.body.url).set('Cookie', cookie).expect(200);
    expect((await server.store.readStream(`file-${shared.body.id}`)).map((event) => event.type)).not.toContain('FileExpired');
  }, 20_000);

  it('removes files that expired while the server was down, at start', async () => {
    const first = await start({ UPLOAD_TTL: '1h' });
    const cookie = await guestCookie(first);
    const unshared = await upload(first, cookie, PNG, 'forgotten.png').expect(201);
    await first.close();
    const again = await start({ UPLOAD_TTL: '1ms', MAX_UPLOAD_BYTES: '4096' }, first.dataDir);
    await eventually(async () => !filesIn(again).includes(unshared.body.id), 10_000);
    await again.http().get(unshared.body.url).set('Cookie', cookie).expect(404);
  }, 20_000);

  it('refuses uploads beyond the in-flight limit per address with 429 rate_limited, and nothing stays on disk', async () => {
    const server = await start({ UPLOADS_IN_FLIGHT_PER_IP: '2' });
    const cookies = await Promise.all(Array.from({ length: 4 }, () => guestCookie(server)));
    const head = await server.store.headPosition();
    const { port } = new URL(server.url);
    const held = cookies.flatMap((cookie) =>
      [0, 1].map(
        () =>
          new Promise<{
            request: ReturnType<typeof httpRequest>;
            answer: Promise<{ status: number; headers: Record<string, unknown>; body: string }>;
          }>((resolve) => {
            const boundary = 'held-boundary';
            const request = httpRequest({
              host: '127.0.0.1',
              port: Number(port),
              method: 'POST',
              path: '/api/files',
              headers: {
                Cookie: cookie,
                Origin: server.url,
                'Content-Type': `multipart/form-data; boundary=${boundary}`,
                'Content-Length': '100000',
              },
            });
            const answer = new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((done) => {
              request.on('error', () => done({ status: 0, headers: {}, body: '' }));
              request.on('response', (response) => {
                let body = '';
                response.on('data', (chunk: Buffer) => (body += chunk.toString()));
                response.on('end', () => done({ status: response.statusCode ?? 0, headers: response.headers, body }));
              });
            });
            request.write(
              `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="slow.png"\r\nContent-Type: image/png\r\n\r\n`,
            );
            request.write(PNG.subarray(0, 20), () => resolve({ request, answer }));
          }),
      ),
    );
    const requests = await Promise.all(held);
    // All but two are answered at once; the two in flight wait for the rest of their bodies.
    const refused = await Promise.all(
      requests.map(({ answer }) => Promise.race([answer, new Promise<undefined>((done) => setTimeout(() => done(undefined), 3000))])),
    );
    const answered = refused.filter((answer) => answer !== undefined);
    expect(answered.length).toBe(requests.length - 2);
    for (const answer of answered) {
      expect(answer.status).toBe(429);
      expect(JSON.parse(answer.body).error.code).toBe('rate_limited');
      expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
    }
    for (const { request } of requests) request.destroy();
    // Slots come back when the uploads end; nothing of the cut-off ones stays.
    await eventually(async () => (await upload(server, cookies[0], PNG, 'after.png')).status === 201);
    expect(filesIn(server).length).toBe(1);
    expect(await server.store.headPosition()).toBe(head + 1);
  }, 20_000);
});
