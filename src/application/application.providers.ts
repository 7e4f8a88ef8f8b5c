import { RegisterAccountHandler, SignInHandler, SignOutHandler } from './commands/accounts.commands';
import { ChangeMessageHandler, ChangePrivateMessageHandler } from './commands/change-message.command';
import { UploadFileHandler } from './commands/upload-file.command';
import { DownloadFileHandler } from './queries/download-file.query';
import { JoinRoomHandler } from './commands/join-room.command';
import { CreateRoomHandler, RoomActionHandler } from './commands/community.commands';
import { RoomAuthority } from './room-authority';
import { RoomTimeline } from './room-timeline';
import { GetRoomAuditHandler, GetRoomMomentHandler } from './queries/room-moderation.queries';
import { LeaveRoomHandler } from './commands/leave-room.command';
import { CloseConnectionHandler } from './commands/close-connection.command';
import { OpenConnectionHandler } from './commands/open-connection.command';
import { PresenceKeeper } from './presence-keeper';
import { ClusterLiveness } from './cluster-liveness';
import { FileExpiry } from './file-expiry';
import { RoomRulesProvider } from './room-rules.provider';
import { SendMessageHandler } from './commands/send-message.command';
import { SendPrivateMessageHandler } from './commands/send-private-message.command';
import { StartGuestSessionHandler } from './commands/start-guest-session.command';
import { CommandExecutor } from './command-executor';
import { ProjectionRunner } from './projection-runner';
import {
  GetRoomHandler,
  GetRoomHistoryHandler,
  GetRoomChangesHandler,
  GetRoomMessagesHandler,
  GetRoomsHandler,
  GetUserRoomsHandler,
} from './queries/rooms.queries';
import { GetReadinessHandler } from './queries/readiness.query';
import {
  FindOnlineUserHandler,
  GetActiveUsersHandler,
  GetPrivateConversationHandler,
  GetOnlineUsersHandler,
  GetUsernameHandler,
  ResolveSessionHandler,
} from './queries/users.queries';
import { FilesReadModel } from './read-models/files.read-model';
import { RoomsReadModel } from './read-models/rooms.read-model';
import { PrivateHistory } from './private-history';
import { RoomHistory } from './room-history';
import { MarkPrivateReadHandler, MarkReadHandler } from './commands/mark-read.command';
import { GetUnreadHandler } from './queries/unread.query';
import { FindMentionedMembersHandler } from './queries/mentions.query';
import { GetPrivateConversationsHandler, SyncPrivateConversationHandler } from './queries/private-conversations.query';
import { ExportUserDataHandler } from './queries/export.query';
import { UnreadCounts } from './unread-counts';
import { FileCatalog } from './file-catalog';
import { UsersReadModel } from './read-models/users.read-model';
import { UserDirectory } from './user-directory';
import { LegacyClaims } from './legacy-claims';

export const commandHandlers = [
  JoinRoomHandler,
  LeaveRoomHandler,
  SendMessageHandler,
  ChangeMessageHandler,
  ChangePrivateMessageHandler,
  SendPrivateMessageHandler,
  StartGuestSessionHandler,
  OpenConnectionHandler,
  CloseConnectionHandler,
  RegisterAccountHandler,
  SignInHandler,
  SignOutHandler,
  UploadFileHandler,
  MarkReadHandler,
  MarkPrivateReadHandler,
  CreateRoomHandler,
  RoomActionHandler,
];

export const queryHandlers = [
  GetRoomsHandler,
  GetRoomHandler,
  GetRoomMessagesHandler,
  GetRoomHistoryHandler,
  GetRoomChangesHandler,
  GetUserRoomsHandler,
  GetOnlineUsersHandler,
  GetActiveUsersHandler,
  ResolveSessionHandler,
  GetUsernameHandler,
  FindOnlineUserHandler,
  GetPrivateConversationHandler,
  GetReadinessHandler,
  DownloadFileHandler,
  GetUnreadHandler,
  FindMentionedMembersHandler,
  GetPrivateConversationsHandler,
  SyncPrivateConversationHandler,
  ExportUserDataHandler,
  GetRoomAuditHandler,
  GetRoomMomentHandler,
];

export const services = [
  CommandExecutor,
  ProjectionRunner,
  PresenceKeeper,
  ClusterLiveness,
  FileExpiry,
  RoomRulesProvider,
  RoomsReadModel,
  RoomHistory,
  UnreadCounts,
  FileCatalog,
  PrivateHistory,
  UsersReadModel,
  UserDirectory,
  RoomAuthority,
  RoomTimeline,
  LegacyClaims,
  FilesReadModel,
];
