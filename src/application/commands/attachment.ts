import type { Attachment } from '../../domain/room/room.events';
import { DomainError } from '../../domain/shared/domain-error';
import type { Actor } from '../context';
import type { FilesReadModel } from '../read-models/files.read-model';

/** The attachment for a message: only the uploader may share a file. */
export const attachmentFor = (files: FilesReadModel, actor: Actor, fileId: string | undefined): Attachment | undefined => {
  if (fileId === undefined) return undefined;
  const file = files.file(fileId);
  if (file === undefined || file.uploaderId !== actor.userId) throw new DomainError('file_not_found', 'No such file of yours');
  return { fileId: file.fileId, name: file.name, type: file.type, size: file.size };
};
