// `npm run turn -- <command>`: coturn tooling from a shell (see TURN_USAGE).
// Reads TURN_*, DATA_DIR, PUBLIC_URL, VECHE_URL and VECHE_TOKEN from the environment.
import { runTurnCli } from './cliCommands.js';

try {
  process.exitCode = await runTurnCli(process.argv.slice(2), process.env, {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
  });
} catch (error) {
  console.error(`veche-turn: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
