/** A command of a job, as the provider would run it without a sandbox. */
export interface JobCommand {
  command: string;
  args: string[];
  /** Where it starts: inside `workspace`. */
  cwd: string;
  /** Its whole environment: nothing of the worker's own reaches it unless put here. */
  env: NodeJS.ProcessEnv;
  /** The job's own folders (its workspace, its inputs): the only ones of the machine it sees, at the same paths, and may write to as far as their owners allow. */
  folders: string[];
  /** Whether it may reach the network (the operator turns it off per action type). */
  network: boolean;
  /** Job id, to name what the sandbox makes for it (a cgroup). */
  jobId: string;
}

/** The process to spawn for a `JobCommand`, and what to do once it is gone. */
export interface SandboxedProcess {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Removes what the sandbox made for the job; says which limit the job ran into, if one. */
  finish(): Promise<{ limitReached?: string }>;
}

/** Who owns what a sandboxed job may write: the worker hands the job's folders to this user before it runs. */
export interface SandboxOwner {
  uid: number;
  gid: number;
  user: string;
}

export interface JobSandbox {
  readonly kind: 'bubblewrap' | 'unsandboxed' | 'unavailable';
  /** One line for the start banner and the operator's logs. */
  readonly description: string;
  /** The unprivileged user jobs run as, when the worker switches to one (it runs as root). */
  readonly owner?: SandboxOwner;
  /** The environment's HOME, USER and LOGNAME for a job, given its control folder. */
  identity(home: string): { HOME: string; USER?: string; LOGNAME?: string };
  /** Throws a `ProviderFailure` (ConfigurationError) when commands may not run here. */
  wrap(command: JobCommand): Promise<SandboxedProcess>;
}
