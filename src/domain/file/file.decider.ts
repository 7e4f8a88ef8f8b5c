import type { Decider } from '../shared/decider';
import type { Attachment } from '../room/room.events';

/** A file someone uploaded (stream `file-<id>`); its bytes live in the blob store. */
export type FileUploaded = {
  type: 'FileUploaded';
  data: Attachment & { uploaderId: string; sha256: string };
};
export type FileEvent = FileUploaded;
export type UploadFile = { type: 'UploadFile'; data: FileUploaded['data'] };
export type FileCommand = UploadFile;

export type File = { readonly status: 'None' } | { readonly status: 'Uploaded'; readonly uploaderId: string };

export const initialState = (): File => ({ status: 'None' });

export const evolve = (_: File, event: FileEvent): File => ({ status: 'Uploaded', uploaderId: event.data.uploaderId });

/** Uploading is once per id; a repeat is a no-op. */
export const decide = (command: FileCommand, file: File): FileEvent[] =>
  file.status === 'Uploaded' ? [] : [{ type: 'FileUploaded', data: { ...command.data } }];

export const fileDecider: Decider<File, FileCommand, FileEvent> = { decide, evolve, initialState };

export const fileStream = (fileId: string): string => `file-${fileId}`;
