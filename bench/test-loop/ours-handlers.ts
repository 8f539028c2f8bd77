/** The test-loop workflows as Lambda handlers: the bundle the local HTTP service hosts. */
import { withDurableExecution } from 'cdk-durable-function/runtime';
import { WORKFLOWS } from './ours-workflows';

export const retries = withDurableExecution(WORKFLOWS.retries);
export const wait = withDurableExecution(WORKFLOWS.wait);
export const callback = withDurableExecution(WORKFLOWS.callback);
export const parallel = withDurableExecution(WORKFLOWS.parallel);
export const map100 = withDurableExecution(WORKFLOWS.map100);
