import { Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  Ack,
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
} from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import { JoinRoomCommand } from '../../application/commands/join-room.command';
import { LeaveRoomCommand } from '../../application/commands/leave-room.command';
import { CloseConnectionCommand } from '../../application/commands/close-connection.command';
import { OpenConnectionCommand } from '../../application/commands/open-connection.command';
import { SendMessageCommand } from '../../application/commands/send-message.command';
import { SendPrivateMessageCommand } from '../../application/commands/send-private-message.command';
import type { Actor, CommandContext } from '../../application/context';
import { GetRoomChangesQuery, GetRoomHistoryQuery, GetUserRoomsQuery } from '../../application/queries/rooms.queries';
import { GetActiveUsersQuery } from '../../application/queries/users.queries';
import { clientAddress } from '../client-address';
import { IdentityService, TooManyGuestsError, type Identity } from '../identity.service';
import { tokenFromCookieHeader } from '../session-token';
import {
  authorIdOf,
  changePayload,
  messagePayload,
  PRESENCE_LIST_ROOM,
  privateMessagePayload,
  socketRoom,
  userRoom,
  wantsPresenceDiffs,
} from './client-payloads';
import { JoinDto, LeaveDto, MessageDto, PrivateMessageDto } from './dto/chat.dto';
import { AppConfig } from '../../application/ports/app-config';
import { Metrics } from '../metrics';
import { ClientLimits } from './client-limits';
import { SocketIoNotifier } from './socket-io.notifier';
import { ClientEventPipeline, elapsed, type AckFn, type ChatSocket, type Reply, type SocketIdentity } from './client-event-pipeline';
import { TurnWrites } from './turn-writes';
import { validatePayload } from './validate-payload';

/**
 * What gives a socket's connection slot back when its transport closes. Made out here, it keeps the
 * socket's id and nothing else for as long as the connection lives; an arrow function written in the
 * handshake's middleware would keep that scope too (the socket, Socket.IO's middleware chain and its
 * callbacks: about 400 bytes a connection).
 */
const releaseOnClose =
  (limits: ClientLimits, socketId: string): (() => void) =>
  () =>
    limits.release(socketId);

/** Socket.IO events in, commands and queries out. Pushes go through the Notifier. */
@WebSocketGateway()
export class ChatGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, BeforeApplicationShutdown {
  private readonly logger = new Logger(ChatGateway.name);
  private stopping = false;
  /**
   * The whole identity of a socket between its handshake and its connection (the token, whether it
   * was resumed, why a token was refused: what `session` tells the client once). The socket keeps
   * only `SocketIdentity` for the rest of its life.
   */
  private readonly arriving = new WeakMap<Socket, Identity>();

  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
    private readonly identities: IdentityService,
    private readonly notifier: SocketIoNotifier,
    private readonly limits: ClientLimits,
    private readonly metrics: Metrics,
    private readonly config: AppConfig,
    private readonly pipeline: ClientEventPipeline,
    private readonly writes: TurnWrites,
  ) {}

  afterInit(server: Server): void {
    this.notifier.attach(server);
    server.use((socket, next) => {
      const address = clientAddress(socket.handshake.address, socket.handshake.headers['x-forwarded-for'], this.config.trustProxy);
      // Gone before it got here (connected and closed in one request): nothing to admit.
      if (socket.conn.readyState !== 'open') return next(new Error('transport closed'));
      if (!this.limits.admit(address, socket.id)) {
        this.logger.warn({ address, outcome: 'rejected', code: 'too_many_connections' }, 'connection refused');
        return next(new Error('too_many_connections'));
      }
      // The transport can close while the socket is still being identified; Socket.IO then drops the
      // socket without a disconnect, so the slot is tied to the transport's end as well (which comes
      // once: no `once` wrapper to keep per socket).
      socket.conn.on('close', releaseOnClose(this.limits, socket.id));
      const auth = socket.handshake.auth as { token?: unknown } | undefined;
      const token = typeof auth?.token === 'string' ? auth.token : tokenFromCookieHeader(socket.handshake.headers.cookie);
      // A token of a session to come (the page's cookie) starts its guest under that id; none, a fresh guest.
      this.identities.identify(token, address).then(
        (identity) => {
          const kept: SocketIdentity = { actor: identity.actor, tokenId: identity.tokenId };
          Object.assign(socket.data, { identity: kept, address });
          this.arriving.set(socket, identity);
          next();
        },
        (error: unknown) => {
          this.limits.release(socket.id);
          if (error instanceof TooManyGuestsError) {
            const refusal = Object.assign(new Error('too_many_guests'), {
              data: { code: 'too_many_guests', message: error.message, retryAfterMs: error.retryAfterMs },
            });
            return next(refusal);
          }
          this.logger.error({ err: error, socketId: socket.id }, 'identification failed');
          next(new Error('unavailable'));
        },
      );
    });
  }

  async handleConnection(socket: ChatSocket): Promise<void> {
    const started = performance.now();
    this.metrics.connectedSockets.inc();
    const identity = this.arriving.get(socket);
    this.arriving.delete(socket);
    if (identity === undefined) {
      // Only the handshake's middleware admits a socket, and it sets the identity first.
      this.logger.error({ event: 'connect', socketId: socket.id, outcome: 'rejected' }, 'connected without an identity');
      socket.disconnect(true);
      return;
    }
    const { actor, token, resumed, account, refused, newUser } = identity;
    const diffs = wantsPresenceDiffs(socket.handshake.auth);
    const rooms = await this.queryBus.execute(new GetUserRoomsQuery(actor.userId));
    await socket.join([userRoom(actor.userId), ...(diffs ? [] : [PRESENCE_LIST_ROOM]), ...rooms.map(socketRoom)]);
    try {
      // Online first, so anything the client does after `session` already counts it.
      await this.commandBus.execute(new OpenConnectionCommand(actor, socket.id, this.pipeline.context(), newUser === true));
      // Gone while it was being registered: handleDisconnect found nothing to remove yet.
      if (socket.disconnected) {
        await this.commandBus.execute(new CloseConnectionCommand(actor.userId, socket.id, this.pipeline.context()));
        return;
      }
      const session = { username: actor.username, token, resumed, account, rooms, authorId: authorIdOf(actor.userId) };
      // The session and who is online leave together.
      this.writes.holdSockets(socket.nsp.server, [socket.id]);
      socket.emit('session', { ...session, ...(refused !== undefined ? { refused } : {}) });
      if (diffs) this.notifier.welcomePresenceDiffs(socket.id);
      else socket.emit('active_users', { users: await this.queryBus.execute(new GetActiveUsersQuery()) });
      this.logger.log({ event: 'connect', ...this.pipeline.who(socket), resumed, outcome: 'ok', ms: elapsed(started) }, 'connect');
    } catch (error) {
      this.logger.error({ event: 'connect', ...this.pipeline.who(socket), err: error, ms: elapsed(started) }, 'connect failed');
      socket.disconnect(true);
    }
  }

  async handleDisconnect(socket: ChatSocket): Promise<void> {
    if (socket.data.identity === undefined) return;
    this.metrics.connectedSockets.dec();
    this.limits.release(socket.id);
    if (this.stopping) return;
    const started = performance.now();
    try {
      await this.commandBus.execute(new CloseConnectionCommand(socket.data.identity.actor.userId, socket.id, this.pipeline.context()));
      this.logger.log({ event: 'disconnect', ...this.pipeline.who(socket), outcome: 'ok', ms: elapsed(started) }, 'disconnect');
    } catch (error) {
      this.logger.error({ event: 'disconnect', ...this.pipeline.who(socket), err: error }, 'disconnect failed');
    }
  }

  beforeApplicationShutdown(): void {
    this.stopping = true;
  }

  @SubscribeMessage('join')
  join(@ConnectedSocket() socket: ChatSocket, @MessageBody() body: unknown, @Ack() ack: AckFn): Promise<void> {
    return this.pipeline.run(socket, 'join', ack, async (actor, context) => {
      const { room, since, cursor, invite } = validatePayload(JoinDto, body);
      const { joined } = await this.commandBus.execute(new JoinRoomCommand(actor, room, context, invite));
      // In the room before reading, so nothing falls between; a push that comes before the answer
      // carries its cursor, which tells the client it is also in the answer.
      await socket.join(socketRoom(room));
      if (cursor !== undefined) {
        const page = await this.queryBus.execute(new GetRoomChangesQuery(room, cursor));
        socket.emit('changes', { room, changes: page.changes.map(changePayload), cursor: page.cursor, hasMore: page.hasMore });
      } else {
        const history = await this.queryBus.execute(new GetRoomHistoryQuery(room, since));
        socket.emit('history', { room, messages: history.messages.map(messagePayload), hasMore: history.hasMore, cursor: history.cursor });
      }
      return { result: { room, joined }, log: { room, joined } };
    });
  }

  @SubscribeMessage('leave')
  leave(@ConnectedSocket() socket: ChatSocket, @MessageBody() body: unknown, @Ack() ack: AckFn): Promise<void> {
    return this.pipeline.run(socket, 'leave', ack, async (actor, context) => {
      const { room } = validatePayload(LeaveDto, body);
      await this.commandBus.execute(new LeaveRoomCommand(actor, room, context));
      return { result: { room }, log: { room } };
    });
  }

  @SubscribeMessage('message')
  message(@ConnectedSocket() socket: ChatSocket, @MessageBody() body: unknown, @Ack() ack: AckFn): Promise<void> {
    return this.pipeline.run(socket, 'message', ack, async (actor, context) => {
      const dto = validatePayload(MessageDto, body);
      if (dto.type === 'private') return this.sendPrivate(actor, dto.target ?? '', dto.msg, dto.clientId, context, dto.fileId);
      const room = dto.room ?? 'General';
      const sent = await this.commandBus.execute(
        new SendMessageCommand(actor, room, dto.msg, dto.clientId, context, dto.fileId, dto.replyTo),
      );
      return { result: { message: messagePayload(sent) }, log: { room, messageId: sent.id, seq: sent.seq } };
    });
  }

  @SubscribeMessage('private_message')
  privateMessage(@ConnectedSocket() socket: ChatSocket, @MessageBody() body: unknown, @Ack() ack: AckFn): Promise<void> {
    return this.pipeline.run(socket, 'private_message', ack, (actor, context) => {
      const dto = validatePayload(PrivateMessageDto, body);
      return this.sendPrivate(actor, dto.target, dto.msg, dto.clientId, context, dto.fileId);
    });
  }

  private async sendPrivate(
    actor: Actor,
    target: string,
    msg: string,
    clientId: string | undefined,
    context: CommandContext,
    fileId: string | undefined,
  ): Promise<Reply> {
    const sent = await this.commandBus.execute(new SendPrivateMessageCommand(actor, target, msg, clientId, context, fileId));
    return { result: { message: privateMessagePayload(sent) }, log: { to: sent.to, messageId: sent.id } };
  }
}
