import { describe, expect, it } from 'vitest';
import {
  AgentwatchError,
  cannotRead,
  cannotWrite,
  DeliveryError,
  ErrorCode,
  errorFromCode,
  FileReadError,
  InputNotFoundError,
  InvalidInputError,
  QueueInUseError,
} from '../../src/core/errors.js';

const errno = (code: string, message: string): NodeJS.ErrnoException => Object.assign(new Error(message), { code });

describe('errors', () => {
  it('give each failure its class, its stable code, its name and its cause', () => {
    const cause = new Error('disk on fire');
    const e = new QueueInUseError('the alert queue q is in use by pid 7', { cause });
    expect(e).toBeInstanceOf(AgentwatchError);
    expect(e).toMatchObject({ code: 'AW_QUEUE_IN_USE', name: 'QueueInUseError', cause });
    expect(new InvalidInputError('x').code).toBe(ErrorCode.InvalidInput);
    expect(new DeliveryError('503', { retryable: true, status: 503 })).toMatchObject({ code: 'AW_DELIVERY', retryable: true, disable: false, status: 503 });
  });

  it('word an unreadable input one way: missing is AW_INPUT_NOT_FOUND, anything else AW_FILE_READ', () => {
    const missing = cannotRead('input', 'a.jsonl', errno('ENOENT', 'no such file or directory'));
    expect(missing).toBeInstanceOf(InputNotFoundError);
    expect(missing.message).toBe('cannot read input a.jsonl: no such file or directory');
    const denied = cannotRead('state file', 's.gz', errno('EACCES', 'permission denied'));
    expect(denied).toBeInstanceOf(FileReadError);
    expect(denied.message).toBe('cannot read state file s.gz: permission denied');
    expect(cannotWrite('the report to', 'r.html', errno('ENOSPC', 'no space left on device'))).toMatchObject({
      code: 'AW_FILE_WRITE',
      message: 'cannot write the report to r.html: no space left on device',
    });
  });

  it('come back as their own class from a worker that sent code and message', () => {
    const e = errorFromCode('AW_INPUT_NOT_FOUND', 'cannot read input x');
    expect(e).toBeInstanceOf(InputNotFoundError);
    expect(e.message).toBe('cannot read input x');
    expect(errorFromCode('AW_DELIVERY', 'lost')).toMatchObject({ code: 'AW_DELIVERY', message: 'lost' });
  });
});
