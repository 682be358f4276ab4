// A function instance in a process of its own, so a test can SIGKILL it mid-invocation: runs the
// handler of functions/<name> once with the event given, as FC would (event Buffer, a context with
// the role's credentials and the function's timeout), and prints the result as one JSON line.
export {};

const [name, event] = process.argv.slice(2);
const { handler } = (await import(`../../functions/${name}/index.ts`)) as {
  handler: (event: Buffer, context: unknown) => Promise<unknown>;
};
const result = await handler(Buffer.from(event ?? '{}'), {
  requestId: `kill-${process.pid}`,
  credentials: { accessKeyId: process.env.ALIBABA_CLOUD_ACCESS_KEY_ID, accessKeySecret: process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET },
  function: { name, timeout: 60 },
});
process.stdout.write(`${JSON.stringify(result)}\n`);
