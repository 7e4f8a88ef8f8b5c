import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { LoggerModule } from 'nestjs-pino';
import { commandHandlers, queryHandlers, services } from './application/application.providers';
import { AppConfig } from './application/ports/app-config';
import { Notifier } from './application/ports/notifier.port';
import { InfrastructureModule, type Connections } from './infrastructure/infrastructure.module';
import { loggerOptions } from './infrastructure/logging';
import { HeapTrimmer } from './interface/heap-trimmer';
import { Lifecycle } from './interface/lifecycle';
import { Metrics, MetricsController } from './interface/metrics';
import { ClientLimits } from './interface/ws/client-limits';
import { ClientEventPipeline } from './interface/ws/client-event-pipeline';
import { RoomModerationController } from './interface/http/room-moderation.controller';
import { MessageActionsGateway } from './interface/ws/message-actions.gateway';
import { CommunityGateway } from './interface/ws/community.gateway';
import { TypingTracker } from './interface/ws/typing';
import { RoomNotices } from './interface/ws/room-notices';
import { PushWindow } from './interface/ws/push-window';
import { TurnWrites } from './interface/ws/turn-writes';
import { AuthController } from './interface/http/auth.controller';
import { FilesController } from './interface/http/files.controller';
import { MeController } from './interface/http/me.controller';
import { PageController } from './interface/http/page.controller';
import { RoomsController } from './interface/http/rooms.controller';
import { SessionCookie } from './interface/http/session-cookie';
import { UsersController } from './interface/http/users.controller';
import { IdentityService } from './interface/identity.service';
import { ChatGateway } from './interface/ws/chat.gateway';
import { SocketIoNotifier } from './interface/ws/socket-io.notifier';

/** Composition root: the ports get their adapters here and nowhere else. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, connections: Connections): DynamicModule {
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot(), LoggerModule.forRoot(loggerOptions(config)), InfrastructureModule.forRoot(config, connections)],
      controllers: [
        RoomsController,
        UsersController,
        PageController,
        MetricsController,
        AuthController,
        FilesController,
        MeController,
        RoomModerationController,
      ],
      providers: [
        ...services,
        ...commandHandlers,
        ...queryHandlers,
        SocketIoNotifier,
        { provide: Notifier, useExisting: SocketIoNotifier },
        IdentityService,
        SessionCookie,
        ChatGateway,
        Lifecycle,
        HeapTrimmer,
        ClientLimits,
        Metrics,
        ClientEventPipeline,
        MessageActionsGateway,
        CommunityGateway,
        TypingTracker,
        RoomNotices,
        PushWindow,
        TurnWrites,
      ],
    };
  }
}
