import * as os from 'os';
import { parseArgs } from 'util';
import {
  agentNamed,
  agentOfHook,
  HOOK_AGENTS,
  isHookAgent,
  unknownAgentNameMessage,
  unknownHookAgentMessage,
  type HookAgent,
} from '../../core/agents/hookAgents';
import { parseHookPayload, type HookCall } from '../../core/agents/hookPayload';
import { CountersignError, errorMessage, usageError } from '../../core/errors';
import { safeName } from '../../core/provenanceStrings';
import { recordCheckpoint, transcriptModel } from '../../git/agentCheckpoint';
import { unreadTranscriptAdvice } from '../../core/agents/transcriptLocations';
import { untrustedRepoGitEnv } from '../../git/gitRunner';
import { appendHookLog, appendHookLogOnce } from '../../git/hookLog';
import { openLedger } from '../../git/ledger';
import { markCallClosed, markCallOpen } from '../../git/openToolCalls';
import { countersignDir, resolveRepo } from '../../git/repository';
import { parseCommandArgs, type CliContext, type Command, type ExitCode } from '../command';

/**
 * `countersign checkpoint`: record an agent tool call's before/after snapshot in the working ledger.
 * By hand it behaves like any command (usage errors exit 2). Called from an agent's hook (`--from`) it
 * must never block or break the agent: everything that goes wrong is written to .git/countersign/log, the
 * exit code is 0, the run time is bounded, and stdout carries only what the agent expects from a
 * hook that has no opinion.
 */
const USAGE = `Usage: countersign checkpoint --phase before|after --agent NAME [--model M] [--session ID] [FILE...]
       countersign checkpoint --from ${HOOK_AGENTS.join('|')} [--phase before|after]
           [--repo DIR]

Records an agent tool call in the working ledger (.git/countersign/ledger): the files' content before the
call, then after it. Lines that differ between the two are attributed to the agent; lines it left alone
keep their labels. Without FILE, snapshots every file git reports as modified or untracked (what a
shell command may have touched).

By hand:
  --phase before|after   which side of the tool call this is
  --agent NAME           the agent (canonical names: claude-code, codex, gemini-cli, cursor, copilot, kiro, …;
                         other names the agent table knows, in any case, are recorded under their canonical
                         name: Claude and claude record claude-code; --agent unknown for an AI tool not
                         listed; any other name exits 2)
  --model M              the model, e.g. claude-sonnet-4-5
  --session ID           the agent's session or conversation id (pairs before and after)

From an agent's hook (written by \`countersign agents connect\`):
  --from AGENT           read AGENT's hook payload (JSON) from stdin; the phase comes from its event name
                         unless --phase is given.
  --repo DIR             the work tree to record into (agents connect pins it); without it, the payload's cwd
                         decides. Git runs with core.fsmonitor, hooks, external diff and implicit bare
                         repositories switched off, so no repository can make a hook run its programs.
                         Never fails the agent: problems go to .git/countersign/log and the exit code is 0.
                         COUNTERSIGN_SKIP=1 skips it; COUNTERSIGN_HOOK_TIMEOUT_MS bounds its run time
                         (default 8000).
                         --from vscode reads VS Code's agent hooks (PreToolUse/PostToolUse) and records
                         copilot, or claude-code / codex when the payload comes from those harnesses.

Examples:
  countersign checkpoint --phase before --agent aider --model gpt-5 --session s1 src/app.ts
  aider --message "add retries" src/app.ts
  countersign checkpoint --phase after --agent aider --model gpt-5 --session s1 src/app.ts
  # in an agent's hook configuration (what \`countersign agents connect\` writes):
  countersign checkpoint --from claude --repo /home/ada/app

Exit codes: 0 recorded, and always with --from (problems go to .git/countersign/log, so the agent is never
blocked); 2 by hand: a usage error (an agent name that is not known, among others) or not a working tree.
`;

const DEFAULT_HOOK_TIMEOUT_MS = 8000;

export const checkpointCommand: Command = {
  name: 'checkpoint',
  summary: "record an agent tool call's before/after snapshot (by hand or from an agent's hook)",
  usage: USAGE,
  async run(argv, ctx) {
    // In an agent's hook a usage error would be an exit code the agent may read as "block this tool call"
    // (Claude Code, Gemini CLI: exit 2), so --from is parsed leniently and can never fail.
    if (argv.some((a) => a === '--from' || a.startsWith('--from='))) {
      const { values } = parseArgs({
        args: argv,
        options: { from: { type: 'string' }, phase: { type: 'string' }, repo: { type: 'string' } },
        strict: false,
        allowPositionals: true,
      });
      const from = typeof values.from === 'string' ? values.from : '';
      const phase = values.phase === 'before' || values.phase === 'after' ? values.phase : undefined;
      if (!isHookAgent(from)) {
        ctx.stderr(`countersign checkpoint: --from: ${unknownHookAgentMessage(from)} Nothing recorded.\n`);
        return 0;
      }
      return fromHook(
        from,
        phase,
        typeof values.repo === 'string' && values.repo !== '' ? values.repo : undefined,
        ctx,
      );
    }
    const { values, positionals } = parseCommandArgs('checkpoint', argv, {
      phase: { type: 'string' },
      agent: { type: 'string' },
      model: { type: 'string' },
      session: { type: 'string' },
      repo: { type: 'string' },
    });
    if (values.repo !== undefined) throw usageError('checkpoint: --repo DIR goes with --from AGENT (an agent hook)');
    const phase = values.phase;
    if (phase !== undefined && phase !== 'before' && phase !== 'after') {
      throw usageError(`checkpoint: --phase must be 'before' or 'after', not '${phase}'`);
    }
    if (!phase) throw usageError('checkpoint: --phase before|after is required (or --from AGENT in an agent hook)');
    if (!values.agent) throw usageError('checkpoint: --agent NAME is required (or --from AGENT in an agent hook)');
    // By hand a typo is refused rather than recorded: it would become a new "agent" in the trailer and the note
    // that the report and blame count as `unknown` (newuser14 S27). Hooks (--from) never get here.
    const agent = agentNamed(values.agent);
    if (!agent) throw usageError(`checkpoint: --agent: ${unknownAgentNameMessage(values.agent)}`);
    const repo = await resolveRepo(ctx.cwd);
    if (!repo.root)
      throw new CountersignError('config', `${repo.commonDir} is a bare repository: checkpoints need a working tree`);
    const ledger = await openLedger(repo.root);
    const r = await recordCheckpoint(ledger, {
      phase,
      agent,
      model: values.model,
      session: values.session,
      files: positionals,
      shell: positionals.length === 0,
      cwd: ctx.cwd,
    });
    await ledger.sync({ wait: false });
    const deleted = r.deleted.length ? `, ${r.deleted.length} deleted` : '';
    const skipped = r.skipped.length
      ? ` (skipped ${r.skipped.length} too large or not a regular file: ${r.skipped.slice(0, 3).join(', ')}${r.skipped.length > 3 ? ', …' : ''}` +
        `${phase === 'after' ? '; lines the call wrote there count as untracked, and if it changed one, the commit names it' : ''})`
      : '';
    const nested = r.inSubmodules.length
      ? `, ${r.inSubmodules.length} in submodules (recorded in their own ledgers)`
      : '';
    ctx.stdout(`Recorded ${phase} checkpoint for ${agent}: ${r.files.length} file(s)${nested}${deleted}${skipped}\n`);
    return 0;
  },
};

function hardenProcessGitEnv(): void {
  const hardened = untrustedRepoGitEnv(process.env);
  for (const k of Object.keys(process.env)) if (!(k in hardened)) delete process.env[k];
  Object.assign(process.env, hardened);
}

/** What an agent reads on stdout from a hook with nothing to say: Cursor and Gemini CLI parse it as JSON. */
function neutralOutput(agent: HookAgent): string {
  return agent === 'cursor' || agent === 'gemini' ? '{}\n' : '';
}

async function fromHook(
  agent: HookAgent,
  phaseFlag: 'before' | 'after' | undefined,
  pinnedRepo: string | undefined,
  ctx: CliContext,
): Promise<ExitCode> {
  ctx.stdout(neutralOutput(agent));
  if (ctx.env.COUNTERSIGN_SKIP === '1') return 0;
  // Every git this hook runs (here and in the modules it calls) gets configuration no repository can
  // override into running a program: the payload's cwd may be a fake or embedded repository.
  hardenProcessGitEnv();
  const limit =
    Number(ctx.env.COUNTERSIGN_HOOK_TIMEOUT_MS) > 0
      ? Number(ctx.env.COUNTERSIGN_HOOK_TIMEOUT_MS)
      : DEFAULT_HOOK_TIMEOUT_MS;
  let logDir: string | undefined;
  const log = (message: string) => {
    if (logDir) appendHookLog(logDir, `checkpoint --from ${agent}: ${message}`);
  };
  // The deadline ends the process itself (not just this promise): a git or file-system call that hangs
  // must not hold the agent. unref(): it never keeps a finished process alive.
  const deadline = setTimeout(() => {
    log(`gave up after ${limit} ms; this tool call is not recorded`);
    process.exit(0);
  }, limit);
  deadline.unref();
  try {
    // Know where to log before waiting on stdin, which an agent may never close.
    const here = await resolveRepo(pinnedRepo ?? ctx.cwd).catch(() => undefined);
    if (here) logDir = countersignDir(here);
    const payload = await ctx.readStdin();
    let call: HookCall | undefined;
    let payloadError: unknown;
    try {
      call = parseHookPayload(agent, payload);
    } catch (e) {
      payloadError = e;
    }
    const cwd = call?.cwd ?? ctx.cwd;
    // The repository is the one the hook was installed in (--repo, written by `agents connect`); the payload's
    // cwd only resolves relative file names, and files outside that repository are not recorded.
    const repo = await resolveRepo(pinnedRepo ?? cwd).catch(() => undefined);
    if (!repo?.root) return 0; // not in a repository: nothing to attribute, and nowhere to log
    logDir = countersignDir(repo);
    if (!call) {
      // Some hosts (Kiro's IDE hooks) run the command without a payload: with the phase given on the command
      // line, snapshot what git sees changed, as for a shell tool.
      if (payload.trim() !== '' || !phaseFlag) {
        log(`${errorMessage(payloadError)}; payload began: ${JSON.stringify(payload.slice(0, 200))}`);
        return 0;
      }
      call = {
        agent: agentOfHook(agent),
        phase: phaseFlag,
        event: undefined,
        tool: undefined,
        session: undefined,
        model: undefined,
        callId: undefined,
        cwd,
        transcriptPath: undefined,
        files: [],
        shell: true,
        readOnly: false,
      };
    }
    if (call.readOnly) return 0;
    const phase = phaseFlag ?? call.phase;
    if (!phase) {
      log(
        `cannot tell before from after (event ${JSON.stringify(call.event ?? null)}); add --phase to the hook command`,
      );
      return 0;
    }
    // Names from the payload or a transcript go into notes and trailers: only valid ones (issue 16, class 6).
    const home = ctx.env.HOME || os.homedir();
    const fromTranscript =
      !safeName(call.model) && (agent === 'claude' || agent === 'vscode')
        ? transcriptModel(call.transcriptPath, { agent, home, env: ctx.env })
        : undefined;
    const model = safeName(call.model) ?? fromTranscript?.model;
    if (fromTranscript?.outside && logDir && call.transcriptPath)
      appendHookLogOnce(
        logDir,
        call.transcriptPath,
        `checkpoint --from ${agent}: ${unreadTranscriptAdvice(call.transcriptPath, fromTranscript.outside, home)}`,
      );
    const ledger = await openLedger(repo.root);
    const recorded = await recordCheckpoint(ledger, {
      phase,
      agent: call.agent,
      model,
      session: call.session,
      callId: call.callId,
      files: call.files,
      shell: call.shell,
      cwd,
      edits: call.edits,
      gitTimeoutMs: limit,
    });
    if (agent === 'vscode' && !call.shell) {
      // The extension credits in-memory document edits made meanwhile to this call (git/openToolCalls.ts).
      const id = call.callId ?? `${call.session ?? ''}:${call.files.join('\0')}`;
      if (phase === 'before')
        markCallOpen(ledger.dir, {
          id,
          agent: call.agent,
          model,
          session: call.session,
          files: recorded.files,
          at: Date.now(),
        });
      else markCallClosed(ledger.dir, id);
    }
    // Keep the queue short for readers; skipped at once if another process is folding.
    await ledger
      .sync({ wait: false })
      .catch((e: unknown) => log(`recorded, but folding the ledger failed: ${errorMessage(e)}`));
    return 0;
  } catch (e) {
    log(`${errorMessage(e)}${e instanceof Error && e.stack && !CountersignError.is(e) ? `\n${e.stack}` : ''}`);
    return 0;
  } finally {
    clearTimeout(deadline);
  }
}
