// The CLI's only output: results on stdout, messages and problems on stderr.
export const io = {
  out: (text: string): void => void process.stdout.write(`${text}\n`),
  err: (text: string): void => void process.stderr.write(`${text}\n`),
};
