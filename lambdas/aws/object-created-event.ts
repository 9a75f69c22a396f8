/** The EventBridge event S3 sends when an object is created in a bucket with EventBridge notifications on. */
import { z } from 'zod';

/**
 * An S3 "Object Created" event (EventBridge). Only the fields growthlake reads are checked;
 * unknown fields are ignored. The key is the object key as stored (EventBridge does not
 * URL-encode it, unlike S3's own notifications).
 */
export const ObjectCreatedEventSchema = z.object({
  id: z.string().min(1, 'the event has no id'),
  'detail-type': z.literal('Object Created', { error: 'detail-type must be "Object Created"' }),
  source: z.literal('aws.s3', { error: 'source must be "aws.s3"' }),
  time: z.string(),
  detail: z.object({
    bucket: z.object({ name: z.string().min(1) }),
    object: z.object({
      key: z.string().min(1),
      size: z.number().int().nonnegative().optional(),
      etag: z.string().optional(),
      'version-id': z.string().min(1).optional(),
    }),
  }),
});
export type ObjectCreatedEvent = z.infer<typeof ObjectCreatedEventSchema>;
