import { InvalidRequestError } from '../../src/errors/index.js';

/** The InvalidRequestError `run` throws; fails the test when it throws nothing or something else. */
export function refusal(run: () => unknown): InvalidRequestError {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidRequestError) return error;
    throw error;
  }
  throw new Error('expected an InvalidRequestError');
}
