import { S3ServiceException } from '@aws-sdk/client-s3';

const statusOf = (error: unknown): number | undefined => (error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined);

/** HEAD answers a bare 404 (`NotFound`), GET a `NoSuchKey`. */
export const isS3NotFound = (error: unknown): boolean =>
  error instanceof S3ServiceException && (error.name === 'NoSuchKey' || error.name === 'NotFound' || statusOf(error) === 404);

export const isS3InvalidRange = (error: unknown): boolean =>
  error instanceof S3ServiceException && (error.name === 'InvalidRange' || statusOf(error) === 416);
