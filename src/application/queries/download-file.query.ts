import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { BlobStore } from '../ports/blob-store.port';
import { FileCatalog } from '../file-catalog';
import type { FileView } from '../read-models/files.read-model';
import { RoomsReadModel } from '../read-models/rooms.read-model';

export type Download = { file: FileView; bytes: Buffer } | 'not_found' | 'forbidden';

/** A file for the uploader, members of a room it was shared in, or either side of a private message with it. */
export class DownloadFileQuery extends Query<Download> {
  constructor(
    readonly userId: string,
    readonly fileId: string,
  ) {
    super();
  }
}

@QueryHandler(DownloadFileQuery)
export class DownloadFileHandler implements IQueryHandler<DownloadFileQuery> {
  constructor(
    private readonly files: FileCatalog,
    private readonly rooms: RoomsReadModel,
    private readonly blobs: BlobStore,
  ) {}

  async execute({ userId, fileId }: DownloadFileQuery): Promise<Download> {
    const file = await this.files.file(fileId);
    if (file === undefined) return 'not_found';
    const shared = await this.files.sharedIn(fileId);
    const allowed =
      file.uploaderId === userId || shared.participants.has(userId) || shared.rooms.some((room) => this.rooms.isMember(room, userId));
    if (!allowed) return 'forbidden';
    const bytes = await this.blobs.get(fileId);
    return bytes === undefined ? 'not_found' : { file, bytes };
  }
}
