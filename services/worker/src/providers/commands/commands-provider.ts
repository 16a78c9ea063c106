import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { actionTypeKey, type ActionTypeIdLike } from '@sluice/domain';
import { assertOwnFolder, handOver, readJobFile } from '../../sandbox/job-files';
import type { JobSandbox } from '../../sandbox/job-sandbox';
import type { ActionProvider, ProviderIo, ProviderJob, ProviderResult } from '../action-provider';
import { abortFailure, formatDuration, jobSignal } from '../job-signal';
import { outputArtifactDirectory } from '../job-configuration';
import { OutputTail } from '../process/output-tail';
import type { ProcessLauncher } from '../process/process-launcher';
import { runProcessGroup, type ProcessGroupOutcome } from '../process/run-process-group';
import { ProviderFailure } from '../provider-failure';
import { commandEnvironment, DEFAULT_INHERITED_ENVIRONMENT, type CommandPaths } from './command-environment';
import { commandScript, commandsOf } from './command-script';
import { copyMatching, everything } from './output-globs';
import { assertVariableCount, parseExportedVariables, parseOutputVariablesFile } from './output-variables-file';
import { collectTestReports, describeTestReports, type TestReportSummary } from './test-reports';

export interface CommandsOptions {
  /** Where the commands run: bubblewrap as an unprivileged user, or (the operator's explicit choice) unsandboxed. */
  sandbox: JobSandbox;
  /** Action types whose commands get no network (`Test`, `Build/Sluice/Commands`, `Deploy/Sluice/Commands/1`). */
  noNetwork?: readonly string[];
  /** Time between SIGTERM and SIGKILL of the commands' process group on a stop or timeout. */
  killGraceMs?: number;
  /** Names of the worker's environment variables the commands see (`DEFAULT_INHERITED_ENVIRONMENT`). */
  inheritEnvironment?: readonly string[];
  /** Lines of output quoted in a failure message. */
  failureTailLines?: number;
  /** Who starts the commands' process (this process by default). */
  launcher?: ProcessLauncher;
}

/**
 * `Build|Test|Deploy/Commands`: runs the commands with `bash -e` in the primary input's folder,
 * streams their output as it comes, and on success packs the output artifacts by glob and reads
 * the exported variables. The whole process tree goes when the job ends, is stopped or times out.
 */
export function commandsProvider(actionTypeId: ActionTypeIdLike, options: CommandsOptions): ActionProvider {
  const killGraceMs = options.killGraceMs ?? 5000;
  const inherited = options.inheritEnvironment ?? DEFAULT_INHERITED_ENVIRONMENT;
  const { sandbox } = options;
  const network = !networkIsOff(actionTypeId, options.noNetwork ?? []);
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
      const home = join(control, 'home');
      const env = { ...commandEnvironment(job, paths, inherited), ...sandbox.identity(home) };
      const script = join(control, 'commands.sh');
      // The control folder, then what goes in it all at once: each step waits for a turn of the worker's (the platform's) loop.
      await mkdir(paths.tmpDir, { recursive: true });
      await Promise.all([
        mkdir(home, { recursive: true }),
        mkdir(paths.sourceDir, { recursive: true }),
        writeFile(script, commandScript(commands, job.outputVariables ?? [], exportsFile)).then(() => chmod(script, 0o644)),
        writeFile(paths.outputVariablesFile, ''),
        writeFile(exportsFile, ''),
      ]);
      const inputs = job.inputArtifacts.map((input) => input.directory);
      // The sandbox (its cgroup) is made while the files are handed over: neither needs the other.
      const wrapping = sandbox.wrap({
        command: 'bash',
        args: ['-e', script],
        cwd: paths.sourceDir,
        env,
        folders: [job.workspace, ...inputs.filter((input) => !input.startsWith(`${job.workspace}/`))],
        network,
        jobId: job.jobId,
      });
      wrapping.catch(() => undefined);
      if (sandbox.owner) {
        // The job owns what it may write; the worker keeps the folders around it, so it reads back the job's files and no link of theirs.
        const own = [paths.sourceDir, ...inputs, paths.tmpDir, home, paths.outputVariablesFile, exportsFile];
        await handOver(sandbox.owner, [...new Set(own)], [job.workspace, control]).catch(async (error: unknown) => {
          await wrapping.then((made) => made.finish(), () => undefined);
          throw error;
        });
      }
      const sandboxed = await wrapping;

      const signal = jobSignal(io.signal, job.timeoutMs);
      const tail = new OutputTail(options.failureTailLines ?? 30);
      const started = Date.now();
      let outcome: ProcessGroupOutcome;
      try {
        outcome = await runProcessGroup({
          command: sandboxed.command,
          args: sandboxed.args,
          cwd: sandboxed.cwd,
          env: sandboxed.env,
          signal,
          killGraceMs,
          launcher: options.launcher,
          onOutput: (stream, chunk) => {
            tail.append(chunk);
            io.log(stream, chunk);
          },
        });
      } catch (error) {
        // What the sandbox made for the job (its cgroup) goes whatever happened.
        io.flush?.();
        await sandboxed.finish();
        throw error;
      }
      io.flush?.();
      const elapsed = formatDuration(Date.now() - started);
      // Once its processes are gone, what the job left is read at once (each read waits for a turn of the worker's
      // loop); a failure is reported in the order the steps had one after another: the sandbox's, the folder's, the
      // command's, the outputs', the variables files'.
      const [finished, reports, variablesFiles] = await Promise.allSettled([
        sandboxed.finish(),
        assertOwnFolder(paths.sourceDir, 'the commands\' folder').then(() => collectTestReports(paths.sourceDir)),
        Promise.all([
          readJobFile(paths.outputVariablesFile, MAX_VARIABLES_FILE_BYTES, '$SLUICE_OUTPUT_VARIABLES'),
          readJobFile(exportsFile, MAX_VARIABLES_FILE_BYTES, 'the exported variables'),
        ]),
      ]);
      const { limitReached } = settledValue(finished);
      const tests = settledValue(reports);
      // A job that ran into a limit failed even if its script went on to exit 0: some of its processes were refused or killed.
      if (outcome.status !== 'exited' || outcome.exitCode !== 0 || limitReached) throw failureOf(outcome, signal, job, tail, tests, elapsed, limitReached);

      const outputArtifacts: ProviderResult['outputArtifacts'] = [];
      for (const output of job.outputArtifacts) {
        const directory = outputArtifactDirectory(job, output.name);
        await copyMatching(paths.sourceDir, directory, output.files !== undefined && output.files.length > 0 ? output.files : everything, output.name);
        outputArtifacts.push({ name: output.name, directory });
      }
      const [outputVariablesFile, exported] = settledValue(variablesFiles);
      const outputVariables = assertVariableCount({ ...parseOutputVariablesFile(outputVariablesFile), ...parseExportedVariables(exported) });
      const count = commands.filter((command) => command.trim() !== '').length;
      // No time in the summary: an action's duration is the engine's, start to finish, shown beside it (issue 22).
      const summary = [`${count} ${count === 1 ? 'command' : 'commands'} succeeded`, tests && describeTestReports(tests)].filter(Boolean).join('. ');
      return { outputArtifacts, outputVariables, summary };
    },
  };
}

/** A settled step's value, or its error thrown. */
function settledValue<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}

/** 100 variables of CodePipeline's largest size, with room to spare. */
const MAX_VARIABLES_FILE_BYTES = 4 * 1024 * 1024;

/** Whether the operator turned the network off for this action type: by category, by type without version, or exactly. */
export function networkIsOff(actionTypeId: ActionTypeIdLike, noNetwork: readonly string[]): boolean {
  const key = actionTypeKey(actionTypeId);
  return noNetwork.some((entry) => key === entry || key.startsWith(`${entry}/`));
}

function failureOf(
  outcome: ProcessGroupOutcome,
  signal: AbortSignal,
  job: ProviderJob,
  tail: OutputTail,
  tests: TestReportSummary | undefined,
  elapsed: string,
  limitReached: string | undefined,
): ProviderFailure {
  const base =
    outcome.status === 'aborted'
      ? abortFailure(signal, 'Commands', job.timeoutMs)
      : new ProviderFailure(
          outcome.status === 'exited'
            ? `Commands ${outcome.exitCode === 0 ? 'exited with 0 but ran into a limit' : `failed with exit code ${outcome.exitCode}`} after ${elapsed}`
            : `Commands were killed by ${outcome.signal} after ${elapsed}`,
          'JobFailed',
        );
  const parts = [base.message, limitReached && `The sandbox stopped it: ${limitReached}`, tests && describeTestReports(tests), tail.text() && `Last output:\n${tail.text()}`].filter(Boolean);
  return new ProviderFailure(parts.join('\n'), base.kind);
}
