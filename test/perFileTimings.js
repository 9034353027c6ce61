// Where the unit suite spends its time: with COUNTERSIGN_TEST_TIMINGS=FILE.json this root-hook plugin (loaded
// by both .mocharc files; a no-op without the variable) writes wall and CPU time per test file, and the slowest
// tests, to FILE.json at the end of the run, and prints the top of the table. CPU is this process plus the
// children it has waited for (git, the CLI, ssh-keygen and what they ran), from /proc/self/stat, so the figures
// mean something on a shared machine where wall time depends on the load.
// A file's time runs from the end of the previous file's last test in the same process to the end of its own
// last test: it holds its `before` hooks (server and repository setup) and the previous file's `after` hooks,
// which are cheap.
// Under `mocha --parallel` each worker process (MOCHA_WORKER_ID) runs whole files one at a time, so the same
// measure holds per worker: each writes its rows to FILE.json.worker-N after every file, and the main process
// merges them when it exits (wall is then the sum over the workers, larger than the run's own wall time).
'use strict';
const fs = require('fs');
const path = require('path');

const target = process.env.COUNTERSIGN_TEST_TIMINGS;
const worker = process.env.MOCHA_WORKER_ID;

/** CPU seconds used so far by this process and its reaped children (Linux; 0 where /proc is missing). */
function cpuSeconds() {
  try {
    // Fields after the command name (which may hold spaces) start at field 3: utime is 14, cstime 17.
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    return ticks / 100; // USER_HZ is 100 on Linux
  } catch {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  }
}

/** The partial tables the workers of a parallel run left beside the target. */
function workerFiles() {
  const dir = path.dirname(path.resolve(target));
  const prefix = `${path.basename(target)}.worker-`;
  return fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((n) => n.startsWith(prefix))
        .map((n) => path.join(dir, n))
    : [];
}

if (target) {
  const files = new Map(); // file -> { wall, cpu, tests }
  const tests = []; // { file, title, ms }
  let lastWall = Date.now();
  let lastCpu = cpuSeconds();
  const started = { wall: lastWall, cpu: lastCpu };
  const charge = (file) => {
    const wall = Date.now();
    const cpu = cpuSeconds();
    const key = file ? path.relative(process.cwd(), file) : '(no file)';
    const row = files.get(key) ?? { wall: 0, cpu: 0, tests: 0 };
    row.wall += (wall - lastWall) / 1000;
    row.cpu += cpu - lastCpu;
    files.set(key, row);
    lastWall = wall;
    lastCpu = cpu;
    return row;
  };
  const own = () => ({
    files: [...files].map(([file, r]) => ({ file, ...r })),
    tests,
    cpu: cpuSeconds() - started.cpu,
  });
  /** This process's figures, merged with what the workers of a parallel run wrote. */
  const table = (done) => {
    const parts = [own()];
    if (worker === undefined)
      for (const f of workerFiles())
        try {
          parts.push(JSON.parse(fs.readFileSync(f, 'utf8')));
        } catch {
          // a worker killed while writing: its figures are lost, the run's are not
        }
    const merged = new Map();
    for (const r of parts.flatMap((p) => p.files)) {
      const m = merged.get(r.file) ?? { wall: 0, cpu: 0, tests: 0 };
      merged.set(r.file, { wall: m.wall + r.wall, cpu: m.cpu + r.cpu, tests: m.tests + r.tests });
    }
    const rows = [...merged].map(([file, r]) => ({
      file,
      wall: +r.wall.toFixed(2),
      cpu: +r.cpu.toFixed(2),
      tests: r.tests,
    }));
    rows.sort((a, b) => b.cpu - a.cpu);
    const slowTests = parts.flatMap((p) => p.tests).sort((a, b) => b.ms - a.ms);
    slowTests.splice(60);
    const total = {
      wall: +((Date.now() - started.wall) / 1000).toFixed(1),
      // This process and every child it reaped: in a parallel run, the workers too (and what they waited for).
      cpu: +parts[0].cpu.toFixed(1),
      workers: parts.length - 1,
    };
    const load = fs.existsSync('/proc/loadavg') ? fs.readFileSync('/proc/loadavg', 'utf8').trim() : '';
    return { done, total, load, files: rows, slowTests };
  };
  /** The figures so far, written when a file ends too, so a run that is killed still leaves them. */
  const write = (done) => {
    if (worker !== undefined) fs.writeFileSync(`${target}.worker-${worker}`, JSON.stringify(own()) + '\n');
    else fs.writeFileSync(target, JSON.stringify(table(done), null, 2) + '\n');
  };
  if (worker === undefined) for (const f of workerFiles()) fs.rmSync(f, { force: true }); // a previous run's
  let lastFile;
  exports.mochaHooks = {
    beforeEach() {
      const file = this.currentTest?.file;
      if (lastFile !== undefined && file !== lastFile) write(false);
      lastFile = file;
    },
    afterEach() {
      const t = this.currentTest;
      if (!t) return;
      charge(t.file).tests += 1;
      tests.push({ file: path.relative(process.cwd(), t.file ?? ''), title: t.fullTitle(), ms: t.duration ?? 0 });
    },
    // Once per run, or once per file in a parallel worker: where a worker's file ends.
    afterAll() {
      if (worker !== undefined) write(false);
    },
  };
  process.on('exit', () => {
    if (worker !== undefined) return write(true);
    const t = table(true);
    fs.writeFileSync(target, JSON.stringify(t, null, 2) + '\n');
    for (const f of workerFiles()) fs.rmSync(f, { force: true });
    const { files: rows, total, load } = t;
    const lines = rows
      .slice(0, 15)
      .map((r) => `  ${r.cpu.toFixed(1).padStart(7)} s cpu ${r.wall.toFixed(1).padStart(7)} s wall  ${r.file}`);
    const workers = total.workers ? `, ${total.workers} workers` : '';
    process.stderr.write(
      `test timings (total ${total.cpu} s cpu, ${total.wall} s wall${workers}, load ${load}) -> ${target}\n${lines.join('\n')}\n`,
    );
  });
}
