// What the process writes to stdout and stderr (Nest's logger) until stop().
export function captureLogs() {
  const chunks: string[] = [];
  const spies = [process.stdout, process.stderr].map((stream) =>
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      chunks.push(String(chunk));
      return true;
    }),
  );
  return { text: () => chunks.join(''), stop: () => spies.forEach((s) => s.mockRestore()) };
}
