/** `flowcast doctor`: what is running and why (lib/native/doctor.ts), as text or JSON. */
import { doctor, formatDoctor } from '../native/doctor.js';
import { parseOptions } from './options.js';

export const DOCTOR_HELP = `Usage: flowcast doctor [--json] [--strict]

Reports which native binary is loaded and why (FLOWCAST_BINARY, a source
build in build/Release/, or the package's prebuilt), how it was built and
which glibc it needs, the kernel table (ISA) chosen for this CPU, threads,
onnxruntime-node, Node.js, and the problems these add up to, each with a fix.
It reports a binary that does not load instead of failing. Include
'flowcast doctor --json' in bug reports.

Options:
  --json              print the report as JSON
  --strict            exit with status 1 when an error or a warning is listed
                      (default: 0, it is a report; info lines never fail)`;

/** Exit status: 0, or 1 with --strict when the report lists an error or a warning. */
export async function doctorCommand(argv: string[]): Promise<number> {
  const { values } = parseOptions({
    args: argv,
    options: { json: { type: 'boolean' }, strict: { type: 'boolean' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    console.log(DOCTOR_HELP);
    return 0;
  }
  const report = await doctor();
  console.log(values.json ? JSON.stringify(report, null, 2) : formatDoctor(report));
  return values.strict && report.problems.some((p) => p.severity !== 'info') ? 1 : 0;
}
