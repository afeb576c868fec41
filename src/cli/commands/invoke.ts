/**
 * `mme invoke`: one model of the endpoint by TargetModel (src/workflow/invoke.ts), printing each
 * prediction in dollars with its round-trip time, and a latency summary where a cold first call
 * stands out from the warm ones. Everything the user typed is checked before anything is sent
 * (or the local cloud is started).
 *
 * `--role-arn` here is a role to ASSUME (the global --role-arn, the SageMaker execution role, goes
 * before the command: see program.ts): STS AssumeRole, then the same InvokeEndpoint with the
 * session's credentials, so IAM's `sagemaker:TargetModel` condition applies to it.
 */
import { randomInt } from 'node:crypto';
import type { Clients } from '../../aws/clients.js';
import { MmeError, UsageError } from '../../errors.js';
import type { Invocation, InvokeResult } from '../../workflow/invoke.js';
import type { AlgorithmName, AlgorithmSpec } from '../../algorithms/registry.js';
import { algorithmTarget } from '../algorithm.js';
import { formatAnswer } from '../../workflow/answers.js';
import { connect, localRootConnection, type CommandContext, type CommandResult } from '../context.js';
import * as wf from '../../workflow/invoke.js';
import * as roles from '../../workflow/assume-role.js';
import { targetModelLoads } from '../../aws/local-extension.js';
import { targetModelsOfRole } from '../../workflow/assume-role.js';

export interface InvokeCommandOptions {
  model: string;
  features?: string;
  random?: number;
  seed?: number;
  batch?: boolean;
  endpoint?: string;
  contentType: string;
  /** Default: the algorithm's (registry.ts), e.g. k-NN's verbose JSON with the neighbours. */
  accept?: string;
  roleArn?: string;
  sessionName?: string;
  algorithm?: AlgorithmName;
}

export interface InvokeCommandResult extends InvokeResult {
  /** The algorithm behind the endpoint, and what its answers are. */
  algorithm: AlgorithmName;
  predicts: AlgorithmSpec['predicts'];
  /** Loads of the model during the run, where the target can tell (the local cloud); absent on AWS. */
  loads?: number;
  /** Who invoked: the assumed role's session ARN with --role-arn. */
  identity?: string;
  /** The seed of the random houses (repeat them with --seed). */
  seed?: number;
}

export async function invoke(options: InvokeCommandOptions, ctx: CommandContext): Promise<CommandResult> {
  const targetModel = wf.resolveTargetModel(options.model);
  if (options.sessionName !== undefined && !options.roleArn) {
    throw new UsageError(
      '--session-name names the session of the role assumed with --role-arn, and there is none',
      'Add --role-arn ARN, or leave --session-name out.',
    );
  }
  const sessionName = options.sessionName ?? roles.DEFAULT_SESSION_NAME;
  if (options.roleArn) roles.checkSessionName(sessionName);
  // Rows are validated as the 8 housing features only when they go as CSV; another
  // --content-type sends --features verbatim (e.g. a JSON body for another container).
  const csv = options.contentType.split(';')[0]!.trim().toLowerCase() === 'text/csv';
  let rows: string[];
  let seed: number | undefined;
  if (options.features !== undefined) {
    rows = [csv ? wf.parseFeatures(options.features) : options.features];
  } else {
    seed = options.seed ?? randomInt(0, 0xffff_ffff);
    rows = wf.randomRows(options.random ?? 1, seed, targetModel);
  }
  const { algorithm, spec, endpoint } = algorithmTarget('', options.algorithm, options.endpoint);
  const about = { algorithm, predicts: spec.predicts };

  const conn = await connect(ctx);
  let clients = conn.clients;
  try {
    let identity: string | undefined;
    if (options.roleArn) {
      ctx.reporter.report({ kind: 'start', id: 'assume', text: `Assuming ${options.roleArn}` });
      const assumed = await roles
        .assumeRole(conn.clients, { roleArn: options.roleArn, sessionName })
        .catch((err: unknown) => {
          ctx.reporter.report({ kind: 'fail', id: 'assume', text: `Could not assume ${options.roleArn}` });
          throw err;
        });
      ctx.reporter.report({
        kind: 'succeed',
        id: 'assume',
        text: `Assumed ${options.roleArn}: session ${assumed.arn}`,
      });
      identity = assumed.arn;
      clients = conn.clients.withCredentials(assumed.credentials);
    }
    const request = {
      endpoint,
      targetModel,
      rows,
      contentType: options.contentType,
      accept: options.accept ?? spec.accept,
      batch: !!options.batch,
    };
    // The predictions already made survive a Ctrl-C or a failure of a later request.
    const made: Invocation[] = [];
    ctx.onPartial(() => {
      if (made.length === 0) return undefined;
      const partial: InvokeCommandResult = {
        ...wf.invokeResult(request, made),
        ...about,
        ...(identity ? { identity } : {}),
        ...(seed !== undefined ? { seed } : {}),
      };
      const left = rows.length - made.length;
      return {
        data: { ...partial, notInvoked: left },
        human: `${render(partial, ctx)}\n${ctx.output.out.dim(`${made.length} of ${rows.length} rows answered; ${left} not invoked`)}`,
      };
    });
    // Only the local cloud can tell whether a call loaded the model; AWS says nothing of it.
    const root = localRootConnection(conn);
    const loadsNow = () =>
      root && ctx.settings.target === 'local'
        ? targetModelLoads(root, endpoint, targetModel)
        : Promise.resolve(undefined);
    const before = await loadsNow();
    let result: InvokeResult;
    try {
      result = await wf.invokeEndpoint(clients, ctx.reporter, request, made);
    } catch (err) {
      if (options.roleArn && err instanceof MmeError && err.exitCode === 5)
        throw await withAllowedModels(err, conn.clients, options.roleArn);
      throw err;
    }
    const after = before === undefined ? undefined : await loadsNow();
    const loads = before !== undefined && after !== undefined ? after - before : undefined;
    const data: InvokeCommandResult = {
      ...result,
      ...about,
      ...(identity ? { identity } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ...(loads !== undefined ? { loads } : {}),
    };
    return { data, human: render(data, ctx) };
  } finally {
    if (clients !== conn.clients) clients.destroy();
    conn.clients.destroy();
  }
}

/** The AccessDenied as AWS worded it, with what the role may invoke (read with the caller's own keys). */
async function withAllowedModels(err: MmeError, clients: Pick<Clients, 'iam'>, roleArn: string): Promise<MmeError> {
  const allowed = await targetModelsOfRole(clients, roleArn);
  const hint =
    allowed === undefined
      ? `The role's policies decide which TargetModels it may invoke (condition key sagemaker:TargetModel); 'mme grant --prefix LOC' writes them.`
      : allowed.length === 0
        ? `The role's policies allow no sagemaker:InvokeEndpoint at all. Grant some with 'mme grant --prefix LOC'.`
        : `The role may invoke TargetModels matching: ${allowed.join(', ')}. Grant more with 'mme grant --prefix LOC'.`;
  return new MmeError(err.code, err.message, {
    exitCode: err.exitCode,
    cause: err.cause,
    hint,
    detail: { ...err.detail, roleArn, allowedTargetModels: allowed ?? null },
  });
}

function render(r: InvokeCommandResult, ctx: CommandContext): string {
  const { out } = ctx.output;
  const format = formatAnswer(r.predicts);
  const ms = (v: number) => `${v.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} ms`;
  const lines = [`${out.bold(r.targetModel)} on ${r.endpoint}${r.identity ? ` as ${out.cyan(r.identity)}` : ''}`];
  const width = Math.max(...r.invocations.map((i) => i.features.length), 8);
  // Padded before colouring: escape codes would count as width.
  const shown = r.invocations.map((i) => (i.prediction === null ? oneLine(i.raw) : format(i.prediction)));
  const dollarsWidth = Math.max(...shown.map((s) => s.length));
  r.invocations.forEach((inv, i) => {
    const text = shown[i]!.padStart(dollarsWidth);
    const note = i === 0 && r.invocations.length > 1 && !r.batch && r.loads !== 0 ? out.dim('  first call') : '';
    const latency = r.batch && i > 0 ? '' : ms(inv.latencyMs).padStart(11);
    lines.push(
      `  ${inv.features.padEnd(width)}  ${inv.prediction === null ? out.yellow(text) : out.green(text)}  ${latency}${note}`,
    );
    if (inv.neighbours?.length) {
      const near = inv.neighbours.map((n) => `${format(n.label)} ${out.dim(`at ${n.distance.toPrecision(3)}`)}`);
      lines.push(`  ${' '.repeat(width)}  ${out.dim(`the ${near.length} nearest:`)} ${near.join(', ')}`);
    }
  });
  const s = r.summary;
  const count = `${s.requests} request${s.requests === 1 ? '' : 's'}${r.batch ? ` (${r.invocations.length} rows in one batch)` : ''}`;
  const later = s.laterP50Ms !== undefined ? `; first ${ms(s.firstMs)}, later p50 ${ms(s.laterP50Ms)}` : '';
  lines.push('', out.dim(`${count}: p50 ${ms(s.p50Ms)}, max ${ms(s.maxMs)}${later}`));
  lines.push(out.dim(loadNote(r.loads, ctx.settings.target)));
  if (r.seed !== undefined)
    lines.push(out.dim(`random houses from seed ${r.seed} (--seed ${r.seed} draws the same ones)`));
  return lines.join('\n');
}

/** What is known of model loads: counted on the local cloud; on AWS, only what can happen. */
function loadNote(loads: number | undefined, target: 'aws' | 'local'): string {
  if (loads === undefined)
    // On local the count is read after the run: missing when the run was cut short.
    return `a call to a model its instance has not loaded includes the download and load (${target === 'aws' ? 'AWS does not say' : 'the run ended before the local cloud could tell'} which did)`;
  if (loads === 0) return 'the model was loaded already: no call included a download and load';
  return loads === 1
    ? 'the model was loaded once during the run (a download and load)'
    : `the model was loaded ${loads} times during the run (evicted in between)`;
}

const oneLine = (text: string) => (text.length > 60 ? `${text.slice(0, 57)}…` : text).replace(/\s+/g, ' ');
