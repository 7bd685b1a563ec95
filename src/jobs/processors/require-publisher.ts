import type { ProcessorContext } from '../processor-context.ts';
import type { Publisher } from '../publisher.ts';
import { unrecoverable } from '../unrecoverable.ts';

/** A Slack job on a worker started without a publisher cannot succeed on retry. */
export function requirePublisher(context: ProcessorContext): Publisher {
  if (!context.publisher) throw unrecoverable('BAD_CONFIG', 'this worker has no Slack publisher configured');
  return context.publisher;
}
