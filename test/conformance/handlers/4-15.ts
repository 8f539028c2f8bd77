// 4.15: a callback whose serdes parses the JSON result and turns its ISO timestamp into epoch seconds.
import { withDurableExecution, type Serdes } from 'cdk-durable-function/runtime';

interface Received {
  readonly id: string;
  readonly message: string;
  readonly timestamp: number;
}

const received: Serdes<Received> = {
  serialize: (value) => JSON.stringify(value),
  deserialize: (text) => {
    const raw = JSON.parse(text ?? 'null') as { id: string; message: string; timestamp: string };
    return { id: raw.id, message: raw.message, timestamp: Date.parse(raw.timestamp) / 1000 };
  },
};

export const handler = withDurableExecution(async (name: string, ctx) => {
  const { promise } = await ctx.createCallback<Received>(name, { serdes: received });
  return { received: await promise };
});
