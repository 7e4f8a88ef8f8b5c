import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { fileDecider, fileStream } from '../../domain/file/file.decider';
import type { Attachment } from '../../domain/room/room.events';
import type { Actor, CommandContext } from '../context';
import { CommandExecutor } from '../command-executor';
import { BlobStore } from '../ports/blob-store.port';
import type { FileView } from '../read-models/files.read-model';

/** Stores the bytes, then the fact; if the fact cannot be stored the bytes go too, so nothing is left behind. */
export class UploadFileCommand extends Command<FileView> {
  constructor(
    readonly actor: Actor,
    readonly file: Attachment & { sha256: string },
    readonly bytes: Buffer,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(UploadFileCommand)
export class UploadFileHandler implements ICommandHandler<UploadFileCommand> {
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
