import { type CheckContext, problemsWith } from './fuzz-checks.ts';
import type { Caller, FuzzRequest } from './fuzz-requests.ts';
import { type Answer, authorizationHeader, send } from './fuzz-send.ts';
import { changesBetween, type Snapshot, type StoreProbe } from './fuzz-store.ts';

type SignedIn = Exclude<Caller, 'anonymous'>;

export interface FuzzTarget {
  gateway: URL;
  tokens: Record<SignedIn, string>;
  /** A new token for a caller whose sessions a request ended (POST /auth/me/logout-all answered 2xx). */
  signIn(caller: SignedIn): Promise<string>;
  probe: StoreProbe;
  context: CheckContext;
}

export interface Finding {
  problem: string;
  request: FuzzRequest;
  status: number;
  body: string;
}

/** The figures of a run: requests and answers by class and operation, batches checked for stored rows, findings. */
export class Tally {
  requests = 0;
  readonly statuses = new Map<number, number>();
  readonly operations = new Map<string, { requests: number; rejected: number; succeeded: number; statuses: Record<number, number> }>();
  readonly hostileParts = new Map<string, number>();
  /** Batches of refused requests only, whose snapshots were compared. */
  rejectedBatches = 0;
  rejectedChecked = 0;
  /** Batches with a success among them: something may be stored, so not compared. */
  mixedBatches = 0;
  readonly findings: Finding[] = [];
  /** The slowest answers, slowest first. */
  slowest: { milliseconds: number; status: number; request: FuzzRequest }[] = [];

  count(request: FuzzRequest, answer: Answer) {
    this.requests += 1;
    this.statuses.set(answer.status, (this.statuses.get(answer.status) ?? 0) + 1);
    const operation = this.operations.get(request.operation) ?? { requests: 0, rejected: 0, succeeded: 0, statuses: {} };
    operation.requests += 1;
    operation.statuses[answer.status] = (operation.statuses[answer.status] ?? 0) + 1;
    if (answer.status >= 400) operation.rejected += 1;
    else operation.succeeded += 1;
    this.operations.set(request.operation, operation);
    for (const part of request.hostile) this.hostileParts.set(part, (this.hostileParts.get(part) ?? 0) + 1);
    const milliseconds = answer.milliseconds ?? 0;
    if (this.slowest.length < 10 || milliseconds > this.slowest.at(-1)!.milliseconds) {
      this.slowest = [...this.slowest, { milliseconds, status: answer.status, request }]
        .sort((a, b) => b.milliseconds - a.milliseconds)
        .slice(0, 10);
    }
  }

  byClass() {
    const classes: Record<string, number> = {};
    for (const [status, n] of this.statuses)
      classes[status > 0 ? `${Math.floor(status / 100)}xx` : 'no answer'] =
        (classes[status > 0 ? `${Math.floor(status / 100)}xx` : 'no answer'] ?? 0) + n;
    return classes;
  }
}

const endsSessions = (request: FuzzRequest, answer: Answer) =>
  answer.status < 300 && request.method === 'POST' && request.url.split('?')[0] === '/auth/me/logout-all';
const revoked = (answer: Answer) => answer.status === 401 && /TOKEN_REVOKED/.test(answer.text);

/**
 * Plays one batch at once and checks every answer; when every answer of the batch refused its
 * request, the database must be as it was before the batch. Returns the snapshot after the batch
 * (the next batch's "before").
 */
export async function playBatch(target: FuzzTarget, batch: FuzzRequest[], tally: Tally, before?: Snapshot): Promise<Snapshot> {
  const start = before ?? (await target.probe.snapshot());
  const answers = await Promise.all(
    batch.map(async (request) => {
      const authorization = authorizationHeader(request, target.tokens);
      const answer = await send(target.gateway, request, authorization);
      tally.count(request, answer);
      for (const problem of problemsWith(request, authorization, answer, target.context)) {
        tally.findings.push({ problem, request, status: answer.status, body: answer.text.slice(0, 500) });
      }
      return answer;
    }),
  );
  // A renewed session (a login) is stored: it goes before the snapshot that the next batch starts from.
  const renewed = await renewSessions(target, batch, answers);
  const after = await target.probe.snapshot();
  if (!renewed && answers.every((answer) => answer.status >= 400)) {
    tally.rejectedBatches += 1;
    tally.rejectedChecked += batch.length;
    const operations = batch.map((request) => request.operation).join(', ');
    for (const change of changesBetween(start, after)) {
      const problem = `stored from a rejected request: ${change} (the batch: ${operations})`;
      tally.findings.push({ problem, request: batch[0]!, status: answers[0]!.status, body: answers[0]!.text.slice(0, 500) });
    }
  } else {
    tally.mixedBatches += 1;
  }
  return after;
}

async function renewSessions(target: FuzzTarget, batch: FuzzRequest[], answers: Answer[]) {
  const ended = new Set<SignedIn>();
  batch.forEach((request, i) => {
    const answer = answers[i]!;
    if (request.caller !== 'anonymous' && (endsSessions(request, answer) || (request.authorization.kind === 'caller' && revoked(answer)))) {
      ended.add(request.caller);
    }
  });
  for (const caller of ended) target.tokens[caller] = await target.signIn(caller);
  return ended.size > 0;
}
