import { EXIT, type Command } from "../command.js";

/** Placeholder until this command is built. */
export const run: Command = (_args, io) => {
  io.stderr.write("switchboard share: not built yet\n");
  return Promise.resolve(EXIT.failure);
};
