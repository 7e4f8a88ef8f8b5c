import { CommandHandler, QueryHandler, type ICommandHandler, type IQueryHandler } from '@nestjs/cqrs';
import { fileDecider, fileStream } from '../../domain/file/file.decider';
import type { Attachment } from '../../domain/room/room.events';
import { DomainError } from '../../domain/shared/domain-error';
import type { Actor, CommandContext } from '../context';
import { CommandExecutor } from '../handle-command';
import { BlobStore } from '../ports/blob-store.port';
import { FilesReadModel, type FileView } from '../read-models/files.read-model';
import { RoomsReadModel } from '../read-models/rooms.read-model';

/** Stores the bytes, then the fact; if the fact cannot be stored the bytes go too, so nothing is left behind. */
export class UploadFileCommand {
  constructor(
    readonly actor: Actor,
    readonly file: Attachment & { sha256: string },
    readonly bytes: Buffer,
    readonly context: CommandContext,
  ) {}
}

@CommandHandler(UploadFileCommand)
export class UploadFileHandler implements ICommandHandler<UploadFileCommand, FileView> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly blobs: BlobStore,
  ) {}

  async execute({ actor, file, bytes, context }: UploadFileCommand): Promise<FileView> {
    await this.blobs.put(file.fileId, bytes);
    try {
      await this.executor.execute(
        fileStream(file.fileId),
        fileDecider,
        { type: 'UploadFile', data: { ...file, uploaderId: actor.userId } },
        context,
      );
    } catch (error) {
      await this.blobs.delete(file.fileId);
      throw error;
    }
    return { ...file, uploaderId: actor.userId };
  }
}

/** The attachment for a message: only the uploader may share a file. */
export const attachmentFor = (files: FilesReadModel, actor: Actor, fileId: string | undefined): Attachment | undefined => {
  if (fileId === undefined) return undefined;
  const file = files.file(fileId);
  if (file === undefined || file.uploaderId !== actor.userId) throw new DomainError('file_not_found', 'No such file of yours');
  return { fileId: file.fileId, name: file.name, type: file.type, size: file.size };
};

export type Download = { file: FileView; bytes: Buffer } | 'not_found' | 'forbidden';

/** A file for the uploader, members of a room it was shared in, or either side of a private message with it. */
export class DownloadFileQuery {
  constructor(
    readonly userId: string,
    readonly fileId: string,
  ) {}
}

@QueryHandler(DownloadFileQuery)
export class DownloadFileHandler implements IQueryHandler<DownloadFileQuery, Download> {
  constructor(
    private readonly files: FilesReadModel,
    private readonly rooms: RoomsReadModel,
    private readonly blobs: BlobStore,
  ) {}

  async execute({ userId, fileId }: DownloadFileQuery): Promise<Download> {
    const file = this.files.file(fileId);
    const shared = this.files.sharedIn(fileId);
    if (file === undefined || shared === undefined) return 'not_found';
    const allowed =
      file.uploaderId === userId || shared.participants.has(userId) || shared.rooms.some((room) => this.rooms.isMember(room, userId));
    if (!allowed) return 'forbidden';
    const bytes = await this.blobs.get(fileId);
    return bytes === undefined ? 'not_found' : { file, bytes };
  }
}
