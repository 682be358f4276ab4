// The environment for a child process a test starts: the parent's, extended, never replaced.
// Tools that work through the environment (faketime's LD_PRELOAD and FAKETIME, a proxy, NODE_OPTIONS)
// must reach the child too, or it runs on another clock than the emulators it talks to. Our own
// settings (THAW_*, ALIBABA_CLOUD_*) are left out of the inherited part so a developer's shell
// cannot change what a test means; the test names every one it needs.
export function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(THAW_|ALIBABA_CLOUD_)/.test(name)));
  return { ...inherited, ...extra };
}
