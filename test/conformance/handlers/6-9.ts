// 6.9: an object state {status, attempts}: DONE once attempts reaches 2; return the object.
import { withDurableExecution } from 'cdk-durable-function/runtime';

interface Job {
  readonly status: 'PENDING' | 'DONE';
  readonly attempts: number;
}

export const handler = withDurableExecution(async (_input: unknown, ctx) => {
  return ctx.waitForCondition(
    async (job: Job): Promise<Job> => {
      const attempts = job.attempts + 1;
      return { status: attempts >= 2 ? 'DONE' : 'PENDING', attempts };
    },
    {
      initialState: { status: 'PENDING', attempts: 0 },
      waitStrategy: (job) => (job.status === 'PENDING' ? { shouldContinue: true, delay: { seconds: 1 } } : { shouldContinue: false }),
    },
  );
});
