import { readdirSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
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
    await server.http().get(upload.body.url).expect(403);
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
