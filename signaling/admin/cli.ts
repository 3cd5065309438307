// `npm run admin -- <command>`: the cluster's admin commands from a shell
// (see ADMIN_USAGE). Reads VECHE_URL and VECHE_TOKEN from the environment.
import { runAdminCli } from './cliCommands.js';

try {
  process.exitCode = await runAdminCli(process.argv.slice(2), process.env, {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
  });
} catch (error) {
  console.error(`veche-admin: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
