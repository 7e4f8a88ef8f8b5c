import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Attachment } from './api-models';

/** `GET /api/me/export` as OpenAPI sees it (see api-models.ts for the other answers). */

const REACTIONS = {
  type: 'object',
  additionalProperties: { type: 'array', items: { type: 'string' } },
  description: 'emoji → who reacted, by name',
  example: { '👍': ['Ada'] },
} as const;

export class ExportAccount {
  @ApiProperty({ example: 'ada' })
  username!: string;

  @ApiProperty({ enum: ['guest', 'account'] })
  kind!: string;

  @ApiPropertyOptional({ description: 'When the session started (ISO 8601)' })
  startedAt?: string;
}

export class ExportRoomMarker {
  @ApiProperty({ example: 'General' })
  room!: string;

  @ApiProperty({ description: 'Read up to this message' })
  seq!: number;
}

export class ExportPrivateMarker {
  @ApiProperty({ description: 'The other side, by current name' })
  with!: string;

  @ApiProperty({ description: 'Read up to this message (its place in the log)' })
  seq!: number;
}

export class ExportReadMarkers {
  @ApiProperty({ type: [ExportRoomMarker] })
  rooms!: ExportRoomMarker[];

  @ApiProperty({ type: [ExportPrivateMarker] })
  private!: ExportPrivateMarker[];
}

export class ExportRoomMessage {
  @ApiProperty({ example: 'General' })
  room!: string;

  @ApiProperty()
  id!: string;

  @ApiProperty()
  seq!: number;

  @ApiProperty({ description: 'As it now stands: the last edit, empty once deleted' })
  text!: string;

  @ApiPropertyOptional({ description: 'When last edited' })
  editedAt?: string;

  @ApiProperty()
  deleted!: boolean;

  @ApiPropertyOptional({ type: Attachment })
  attachment?: Attachment;

  @ApiProperty(REACTIONS)
  reactions!: Record<string, string[]>;

  @ApiProperty()
  timestamp!: string;
}

export class ExportPrivateMessage {
  @ApiProperty({ description: 'The other side of the conversation, by current name' })
  with!: string;

  @ApiProperty()
  id!: string;

  @ApiProperty()
  from!: string;

  @ApiProperty()
  to!: string;

  @ApiProperty({ description: 'As it now stands: the last edit, empty once deleted' })
  text!: string;

  @ApiPropertyOptional()
  editedAt?: string;

  @ApiProperty()
  deleted!: boolean;

  @ApiPropertyOptional({ type: Attachment })
  attachment?: Attachment;

  @ApiProperty(REACTIONS)
  reactions!: Record<string, string[]>;

  @ApiProperty()
  timestamp!: string;
}

export class ExportReaction {
  @ApiPropertyOptional({ description: 'On a room message: its room' })
  room?: string;

  @ApiPropertyOptional({ description: 'On a private message: the other side, by current name' })
  with?: string;

  @ApiProperty()
  messageId!: string;

  @ApiProperty({ example: '👍' })
  emoji!: string;

  @ApiProperty({ description: 'When it was made' })
  at!: string;
}

export class ExportFile {
  @ApiProperty()
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty()
  type!: string;

  @ApiProperty({ description: 'Bytes' })
  size!: number;

  @ApiProperty()
  uploadedAt!: string;

  @ApiProperty({ description: 'Shared in a room or a private message (kept for good)' })
  shared!: boolean;

  @ApiProperty({ description: 'Never shared in time: its bytes are gone' })
  expired!: boolean;
}

export class UserExportAnswer {
  @ApiProperty()
  exportedAt!: string;

  @ApiProperty({ description: "The log's position the export is folded up to" })
  position!: number;

  @ApiProperty({ type: ExportAccount })
  account!: ExportAccount;

  @ApiProperty({ type: ExportReadMarkers })
  readMarkers!: ExportReadMarkers;

  @ApiProperty({ type: [ExportRoomMessage], description: 'The room messages you wrote, oldest first' })
  roomMessages!: ExportRoomMessage[];

  @ApiProperty({ type: [ExportPrivateMessage], description: 'The private messages you sent or received, by conversation, oldest first' })
  privateMessages!: ExportPrivateMessage[];

  @ApiProperty({ type: [ExportReaction], description: 'The reactions you made that still stand: in rooms, then private' })
  reactions!: ExportReaction[];

  @ApiProperty({ type: [ExportFile], description: 'The files you uploaded (metadata only)' })
  files!: ExportFile[];
}
