import { InvalidEventError } from '../../core/errors.js';
import { FormatName, type LogFormat, type NativeEventInput } from '../log-format.js';
import { isOcsfValue, mapOcsfEvent, ocsfRecords } from './ocsf-record.js';

/** OCSF API Activity (6003) and Authentication (3002) events. See docs/formats.md. */
export const ocsfFormat: LogFormat = {
  name: FormatName.Ocsf,
  description: 'OCSF API Activity (class 6003) and Authentication (class 3002) events, one per line or a JSON array',
  detect: isOcsfValue,
  *toEvents(value: unknown): Iterable<NativeEventInput | InvalidEventError> {
    for (const event of ocsfRecords(value)) {
      try {
        yield mapOcsfEvent(event);
      } catch (err) {
        if (!(err instanceof InvalidEventError)) throw err;
        yield err;
      }
    }
  },
};
