import { InvalidEventError } from '../../core/errors.js';
import { FormatName, type LogFormat, type NativeEventInput, SkippedRecord } from '../log-format.js';
import { entraRecords, isEntraValue, mapEntraRecord } from './entra-record.js';

/** Microsoft Entra ID sign-in and audit logs (diagnostic settings / Event Hubs, Log Analytics rows). See docs/formats.md. */
export const entraFormat: LogFormat = {
  name: FormatName.Entra,
  description: 'Microsoft Entra ID workload sign-ins and audit logs ({"records":[…]} from diagnostic settings / Event Hubs, or Log Analytics rows)',
  detect: isEntraValue,
  *toEvents(value: unknown): Iterable<NativeEventInput | InvalidEventError | SkippedRecord> {
    for (const record of entraRecords(value)) {
      try {
        const mapped = mapEntraRecord(record);
        if (mapped instanceof SkippedRecord) yield mapped;
        else yield* mapped;
      } catch (err) {
        if (!(err instanceof InvalidEventError)) throw err;
        yield err;
      }
    }
  },
};
