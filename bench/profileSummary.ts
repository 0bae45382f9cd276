/**
 * `npx tsx bench/profileSummary.ts bench/profile.tmp/<file>.cpuprofile [turns]`: where a
 * BENCH_PROFILE run's CPU went, by package (or repository folder), in ms and per turn
 * when `turns` is given. Each sample counts for the nearest frame, leaf upwards, that
 * belongs to a package or to this repository (Node's own work counts for its caller);
 * idle time and module loading at start-up are left out.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const GROUPS: readonly [RegExp, string][] = [
  [
    /cosmos|core-rest-pipeline|ts-http-runtime|core-client|core-util|core-auth|core-tracing/,
    'Cosmos DB SDK and its HTTP pipeline',
  ],
  [/^botbuilder-dialogs/, 'botbuilder-dialogs'],
  [/^botbuilder|^botframework/, 'botbuilder core, connector, adapter'],
  [/adaptivecards|adaptive-expressions|antlr4ts/, 'card templating'],
  [/^restify|find-my-way|formidable/, 'restify'],
  [/pino|sonic-boom/, 'logging'],
  [/storage-blob|storage-common/, 'Blob SDK'],
];

const SPECIAL = new Set(['(idle)', '(garbage collector)', '(program)']);

function summarise(profile: CpuProfile, turns: number): string[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const ownerOf = (url: string): string | undefined => {
    const pkg = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url)?.[1];
    if (pkg) return pkg;
    const repo = /\/(bot|dialogs|claims|storage|cards|locales|documents|bench)\/([^/]+)/.exec(url);
    return repo ? `repo ${repo[1]}/${repo[1] === 'bot' || repo[1] === 'dialogs' ? repo[2] : ''}` : undefined;
  };
  const memo = new Map<number, string>();
  const attribute = (id: number): string => {
    const known = memo.get(id);
    if (known) return known;
    const node = byId.get(id) as ProfileNode;
    const name = node.callFrame.functionName;
    const up = parent.get(id);
    const owner = SPECIAL.has(name)
      ? name
      : (ownerOf(node.callFrame.url) ?? (up === undefined ? 'Node (no JavaScript caller)' : attribute(up)));
    const result = owner === '(root)' ? 'Node (no JavaScript caller)' : owner;
    memo.set(id, result);
    return result;
  };
  const atStartup = (id: number): boolean => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      if (/esbuild|tsx\/dist|modules\/cjs\/loader/.test(byId.get(at)?.callFrame.url ?? '')) return true;
    }
    return false;
  };
  const totals = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const owner = attribute(id);
    if (owner === '(idle)' || atStartup(id)) return;
    const micros = profile.timeDeltas[i] ?? 0;
    const group = GROUPS.find(([pattern]) => pattern.test(owner))?.[1] ?? owner;
    totals.set(group, (totals.get(group) ?? 0) + micros);
    busy += micros;
  });
  const perTurn = (micros: number): string => (turns > 0 ? `${(micros / 1000 / turns).toFixed(3)} ms/turn` : '');
  return [
    `busy ${(busy / 1000).toFixed(0)} ms (start-up and idle left out) ${perTurn(busy)}`,
    ...[...totals]
      .sort((a, b) => b[1] - a[1])
      .map(
        ([group, micros]) =>
          `${(micros / 1000).toFixed(0).padStart(7)} ms ${((100 * micros) / busy).toFixed(1).padStart(5)}%  ${perTurn(micros).padStart(16)}  ${group}`,
      ),
  ];
}

const [file, turns] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: npx tsx bench/profileSummary.ts <file.cpuprofile> [turns]\n');
  process.exit(2);
}
process.stdout.write(
  `${summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, Number(turns ?? 0)).join('\n')}\n`,
);
