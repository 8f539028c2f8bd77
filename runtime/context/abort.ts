import { setMaxListeners } from 'node:events';

/**
 * Returns the controller's signal with Node's listener warning switched off: every operation
 * waiting in a context listens to its signal, and a context may run thousands concurrently.
 */
export function unboundedSignal(controller: AbortController): AbortSignal {
  setMaxListeners(0, controller.signal);
  return controller.signal;
}
