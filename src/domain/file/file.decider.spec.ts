import { specFor } from '../../../test/support/decider-spec';
import {
  fileDecider,
  type ExpireFile,
  type FileExpired,
  type FileShared,
  type FileUploaded,
  type ShareFile,
  type UploadFile,
} from './file.decider';

const given = specFor(fileDecider);

const fileId = 'f-1';
const data = { fileId, name: 'cat.png', type: 'image/png', size: 64, uploaderId: 'u-alice', sha256: 'ab' };
const uploadFile = (): UploadFile => ({ type: 'UploadFile', data });
const shareFile = (userId = 'u-alice'): ShareFile => ({ type: 'ShareFile', data: { fileId, userId } });
const expireFile = (): ExpireFile => ({ type: 'ExpireFile', data: { fileId } });

const uploaded = (): FileUploaded => ({ type: 'FileUploaded', data });
const shared = (): FileShared => ({ type: 'FileShared', data: { fileId, uploaderId: 'u-alice' } });
const expired = (): FileExpired => ({ type: 'FileExpired', data: { fileId, reason: 'not_shared' } });

describe('file decider', () => {
  describe('when nothing was uploaded', () => {
    it('records the upload', () => {
      given([]).when(uploadFile()).then([uploaded()]);
    });

    it('cannot share or expire what does not exist', () => {
      given([]).when(shareFile()).thenFailsWith('file_not_found');
      given([]).when(expireFile()).thenNothingHappens();
    });
  });

  describe('when the file was uploaded and not shared yet', () => {
    it('ignores a repeated upload', () => {
      given([uploaded()]).when(uploadFile()).thenNothingHappens();
    });

    it('records the first share by its uploader', () => {
      given([uploaded()]).when(shareFile()).then([shared()]);
    });

    it('does not let anyone else share it', () => {
      given([uploaded()]).when(shareFile('u-mallory')).thenFailsWith('file_not_found');
    });

    it('expires it', () => {
      given([uploaded()]).when(expireFile()).then([expired()]);
    });
  });

  describe('when the file was shared', () => {
    it('changes nothing on later shares', () => {
      given([uploaded(), shared()]).when(shareFile()).thenNothingHappens();
    });

    it('never expires it', () => {
      given([uploaded(), shared()]).when(expireFile()).thenNothingHappens();
    });
  });

  describe('when the file expired', () => {
    it('cannot be shared', () => {
      given([uploaded(), expired()]).when(shareFile()).thenFailsWith('file_not_found');
    });

    it('expires once, and is not uploaded again under the same id', () => {
      given([uploaded(), expired()]).when(expireFile()).thenNothingHappens();
      given([uploaded(), expired()]).when(uploadFile()).thenNothingHappens();
    });
  });
});
