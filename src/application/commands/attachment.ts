import { fileDecider, fileStream } from '../../domain/file/file.decider';
import type { Attachment } from '../../domain/room/room.events';
import { DomainError } from '../../domain/shared/domain-error';
import type { Actor, CommandContext } from '../context';
import type { CommandExecutor } from '../command-executor';
import type { FileCatalog } from '../file-catalog';

/** The attachment for a message: only the uploader may share a file. */
export const attachmentFor = async (files: FileCatalog, actor: Actor, fileId: string | undefined): Promise<Attachment | undefined> => {
  if (fileId === undefined) return undefined;
  const file = await files.file(fileId);
  if (file === undefined || file.uploaderId !== actor.userId) throw new DomainError('file_not_found', 'No such file of yours');
  return { fileId: file.fileId, name: file.name, type: file.type, size: file.size };
};

/**
 * The attachment for a message, after recording on the file's stream that it is shared, so it never
 * expires; a file that expired meanwhile is `file_not_found`. The file's stream decides that, so an
 * expiry and a share on different nodes cannot both win.
 */
export const shareAttachment = async (
  executor: CommandExecutor,
  files: FileCatalog,
  actor: Actor,
  fileId: string | undefined,
  context: CommandContext,
): Promise<Attachment | undefined> => {
  const attachment = await attachmentFor(files, actor, fileId);
  if (attachment === undefined) return undefined;
  await executor.execute(
    fileStream(attachment.fileId),
    fileDecider,
    { type: 'ShareFile', data: { fileId: attachment.fileId, userId: actor.userId } },
    context,
  );
  return attachment;
};
