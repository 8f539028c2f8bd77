// 5.15: an invoke whose payload serdes upper-cases the data before sending.
import { withDurableExecution, type Serdes } from 'cdk-durable-function/runtime';
import { ECHO_TARGET } from './support/targets';

interface Payload {
  readonly data: string;
}

const upperCase: Serdes<Payload> = {
  serialize: (value) => JSON.stringify({ data: value.data.toUpperCase() }),
  deserialize: (text) => JSON.parse(text ?? 'null') as Payload,
};

export const handler = withDurableExecution(async (input: Payload, ctx) => {
  return ctx.invoke<Payload, Payload>(ECHO_TARGET, input, { payloadSerdes: upperCase });
});
