import { precompiledValidatorFiles } from '../config/precompiled-validator-files.js';
import { usePrecompiledValidators } from '../core/precompiled-validators.js';
import { main } from './main.js';

usePrecompiledValidators(precompiledValidatorFiles);

// A reader that stops early (`agentwatch --help | head`, `replay --output - | head`) closes the
// pipe: that ends the command quietly, as it does for any Unix tool, never with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    process.exitCode = 1;
  });
}

process.exitCode = await main(process.argv);
