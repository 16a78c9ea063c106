import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ActionTypeIdLike } from '@sluice/domain';
import type { ActionProvider, ProviderIo, ProviderJob, ProviderResult } from '../action-provider';
import { abortFailure, formatDuration, jobSignal } from '../job-signal';
import { outputArtifactDirectory } from '../job-configuration';
import { OutputTail } from '../process/output-tail';
import { runProcessGroup, type ProcessGroupOutcome } from '../process/run-process-group';
import { ProviderFailure } from '../provider-failure';
import { commandEnvironment, DEFAULT_INHERITED_ENVIRONMENT, type CommandPaths } from './command-environment';
import { commandScript, commandsOf } from './command-script';
import { copyMatching, everything } from './output-globs';
import { assertVariableCount, parseExportedVariables, parseOutputVariablesFile } from './output-variables-file';
import { collectTestReports, describeTestReports, type TestReportSummary } from './test-reports';

export interface CommandsOptions {
  /** Time between SIGTERM and SIGKILL of the commands' process group on a stop or timeout. */
  killGraceMs?: number;
  /** Names of the worker's environment variables the commands see (`DEFAULT_INHERITED_ENVIRONMENT`). */
  inheritEnvironment?: readonly string[];
  /** Lines of output quoted in a failure message. */
  failureTailLines?: number;
}

/**
 * `Build|Test|Deploy/Commands`: runs the commands with `bash -e` in the primary input's folder,
 * streams their output as it comes, and on success packs the output artifacts by glob and reads
 * the exported variables. The whole process tree goes when the job ends, is stopped or times out.
 */
export function commandsProvider(actionTypeId: ActionTypeIdLike, options: CommandsOptions = {}): ActionProvider {
  const killGraceMs = options.killGraceMs ?? 5000;
  const inherited = options.inheritEnvironment ?? DEFAULT_INHERITED_ENVIRONMENT;
  return {
    actionTypeId,
    async run(job: ProviderJob, io: ProviderIo): Promise<ProviderResult> {
      const commands = commandsOf(job);
      const control = join(job.workspace, '.sluice');
      const exportsFile = join(control, 'exported-variables');
      const paths: CommandPaths = {
        sourceDir: job.inputArtifacts[0]?.directory ?? join(job.workspace, 'source'),
        outputVariablesFile: join(control, 'output-variables'),
        tmpDir: join(control, 'tmp'),
      };
      const env = commandEnvironment(job, paths, inherited);
      const script = join(control, 'commands.sh');
      await mkdir(paths.tmpDir, { recursive: true });
      await mkdir(paths.sourceDir, { recursive: true });
      await writeFile(script, commandScript(commands, job.outputVariables ?? [], exportsFile));
      await writeFile(paths.outputVariablesFile, '');

      const signal = jobSignal(io.signal, job.timeoutMs);
      const tail = new OutputTail(options.failureTailLines ?? 30);
      const started = Date.now();
      const outcome = await runProcessGroup({
        command: 'bash',
        args: ['-e', script],
        cwd: paths.sourceDir,
        env,
        signal,
        killGraceMs,
        onOutput: (stream, chunk) => {
          tail.append(chunk);
          io.log(stream, chunk);
        },
      });
      const elapsed = formatDuration(Date.now() - started);
      const tests = await collectTestReports(paths.sourceDir);
      if (outcome.status !== 'exited' || outcome.exitCode !== 0) throw failureOf(outcome, signal, job, tail, tests, elapsed);

      const outputArtifacts: ProviderResult['outputArtifacts'] = [];
      for (const output of job.outputArtifacts) {
        const directory = outputArtifactDirectory(job, output.name);
        await copyMatching(paths.sourceDir, directory, output.files !== undefined && output.files.length > 0 ? output.files : everything, output.name);
        outputArtifacts.push({ name: output.name, directory });
      }
      const outputVariables = assertVariableCount({
        ...parseOutputVariablesFile(await readFile(paths.outputVariablesFile, 'utf8')),
        ...parseExportedVariables(await readOptional(exportsFile)),
      });
      const count = commands.filter((command) => command.trim() !== '').length;
      const summary = [`${count} ${count === 1 ? 'command' : 'commands'} succeeded in ${elapsed}`, tests && describeTestReports(tests)].filter(Boolean).join('. ');
      return { outputArtifacts, outputVariables, summary };
    },
  };
}

function failureOf(outcome: ProcessGroupOutcome, signal: AbortSignal, job: ProviderJob, tail: OutputTail, tests: TestReportSummary | undefined, elapsed: string): ProviderFailure {
  const base =
    outcome.status === 'aborted'
      ? abortFailure(signal, 'Commands', job.timeoutMs)
      : new ProviderFailure(
          outcome.status === 'exited' ? `Commands failed with exit code ${outcome.exitCode} after ${elapsed}` : `Commands were killed by ${outcome.signal} after ${elapsed}`,
          'JobFailed',
        );
  const parts = [base.message, tests && describeTestReports(tests), tail.text() && `Last output:\n${tail.text()}`].filter(Boolean);
  return new ProviderFailure(parts.join('\n'), base.kind);
}

async function readOptional(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}
