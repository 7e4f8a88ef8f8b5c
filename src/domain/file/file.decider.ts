import type { Decider } from '../shared/decider';
import { DomainError } from '../shared/domain-error';
import type { Attachment } from '../room/room.events';

/** A file someone uploaded (stream `file-<id>`); its bytes live in the blob store. */
export type FileUploaded = {
  type: 'FileUploaded';
  data: Attachment & { uploaderId: string; sha256: string };
};
/** Its uploader shared it for the first time (in a room or a private message): from now on it is kept. */
export type FileShared = { type: 'FileShared'; data: { fileId: string; uploaderId: string } };
/** Nobody shared it within the time allowed: its bytes are removed and it cannot be shared any more. */
export type FileExpired = { type: 'FileExpired'; data: { fileId: string; reason: 'not_shared' } };
export type FileEvent = FileUploaded | FileShared | FileExpired;

export type UploadFile = { type: 'UploadFile'; data: FileUploaded['data'] };
export type ShareFile = { type: 'ShareFile'; data: { fileId: string; userId: string } };
export type ExpireFile = { type: 'ExpireFile'; data: { fileId: string } };
export type FileCommand = UploadFile | ShareFile | ExpireFile;

export type File =
  | { readonly status: 'None' }
  | { readonly status: 'Uploaded'; readonly uploaderId: string; readonly shared: boolean }
  | { readonly status: 'Expired' };

export const initialState = (): File => ({ status: 'None' });

export const evolve = (file: File, event: FileEvent): File => {
  switch (event.type) {
    case 'FileUploaded':
      return { status: 'Uploaded', uploaderId: event.data.uploaderId, shared: false };
    case 'FileShared':
      return file.status === 'Uploaded' ? { ...file, shared: true } : file;
    case 'FileExpired':
      return { status: 'Expired' };
  }
};

/**
 * Uploading is once per id (a repeat, or an upload over an expired id, is a no-op). Only the
 * uploader shares a file, and not once it expired; the first share is recorded, later ones change
 * nothing. A file expires only while it has never been shared: a shared file is kept for good.
 */
export const decide = (command: FileCommand, file: File): FileEvent[] => {
  switch (command.type) {
    case 'UploadFile':
      return file.status === 'None' ? [{ type: 'FileUploaded', data: { ...command.data } }] : [];
    case 'ShareFile':
      if (file.status !== 'Uploaded' || file.uploaderId !== command.data.userId)
        throw new DomainError('file_not_found', 'No such file of yours');
      return file.shared ? [] : [{ type: 'FileShared', data: { fileId: command.data.fileId, uploaderId: file.uploaderId } }];
    case 'ExpireFile':
      return file.status === 'Uploaded' && !file.shared
        ? [{ type: 'FileExpired', data: { fileId: command.data.fileId, reason: 'not_shared' } }]
        : [];
  }
};

export const fileDecider: Decider<File, FileCommand, FileEvent> = { decide, evolve, initialState };

export const fileStream = (fileId: string): string => `file-${fileId}`;
