/** `flowcast datasets`: the data sets shipped with the package, and where they are. */
import { datasets } from '../data/datasets.js';
import { oneOf } from '../core/validate.js';
import { parseOptions } from './options.js';

export const DATASETS_HELP = `Usage: flowcast datasets [--path NAME] [--json]

Lists the real data sets shipped with flowcast (name, rows, columns, file
and where it came from). --path NAME prints only that file's path, for
--data:   flowcast baseline --data "$(flowcast datasets --path taylor)" ...

Options:
  --path NAME         print the absolute path of one data set's file
  --json              print the catalogue as JSON`;

export async function datasetsCommand(argv: string[]): Promise<void> {
  const { values } = parseOptions({
    args: argv,
    options: { path: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' } },
  });
  if (values.help) return void console.log(DATASETS_HELP);
  const list = datasets.list();
  if (values.path !== undefined) {
    const name = oneOf('--path', values.path, list.map((d) => d.name));
    return void console.log(datasets.path(name));
  }
  if (values.json) return void console.log(JSON.stringify(list, null, 2));
  for (const d of list) {
    const time = d.timeUnit ? `${d.time} (epoch ${d.timeUnit})` : d.time;
    console.log(`${d.name}\n  ${d.description}\n  ${d.rows} rows; time ${time}; values ${d.columns.join(', ')}`);
    console.log(`  file: ${d.path}\n  from: ${d.provenance}\n  license: ${d.license}\n`);
  }
}
