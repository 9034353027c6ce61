// Where the unit suite spends its time: with COUNTERSIGN_TEST_TIMINGS=FILE.json this root-hook plugin (loaded
// by both .mocharc files; a no-op without the variable) writes wall and CPU time per test file, and the slowest
// tests, to FILE.json at the end of the run, and prints the top of the table. CPU is this process plus the
// children it has waited for (git, the CLI, ssh-keygen and what they ran), from /proc/self/stat, so the figures
// mean something on a shared machine where wall time depends on the load.
// A file's time runs from the end of the previous file's last test to the end of its own last test: it holds
// its `before` hooks (server and repository setup) and the previous file's `after` hooks, which are cheap.
'use strict';
const fs = require('fs');
const path = require('path');

const target = process.env.COUNTERSIGN_TEST_TIMINGS;

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
  exports.mochaHooks = {
    afterEach() {
      const t = this.currentTest;
      if (!t) return;
      charge(t.file).tests += 1;
      tests.push({ file: path.relative(process.cwd(), t.file ?? ''), title: t.fullTitle(), ms: t.duration ?? 0 });
    },
  };
  /** The table so far, written when a file ends too, so a run that is killed still leaves its figures. */
  const write = (done) => {
    const rows = [...files].map(([file, r]) => ({
      file,
      wall: +r.wall.toFixed(2),
      cpu: +r.cpu.toFixed(2),
      tests: r.tests,
    }));
    rows.sort((a, b) => b.cpu - a.cpu);
    tests.sort((a, b) => b.ms - a.ms);
    tests.splice(60);
    const total = {
      wall: +((Date.now() - started.wall) / 1000).toFixed(1),
      cpu: +(cpuSeconds() - started.cpu).toFixed(1),
    };
    const load = fs.existsSync('/proc/loadavg') ? fs.readFileSync('/proc/loadavg', 'utf8').trim() : '';
    fs.writeFileSync(target, JSON.stringify({ done, total, load, files: rows, slowTests: tests }, null, 2) + '\n');
    return { rows, total, load };
  };
  let lastFile;
  exports.mochaHooks.beforeEach = function () {
    const file = this.currentTest?.file;
    if (lastFile !== undefined && file !== lastFile) write(false);
    lastFile = file;
  };
  process.on('exit', () => {
    const { rows, total, load } = write(true);
    const lines = rows
      .slice(0, 15)
      .map((r) => `  ${r.cpu.toFixed(1).padStart(7)} s cpu ${r.wall.toFixed(1).padStart(7)} s wall  ${r.file}`);
    process.stderr.write(
      `test timings (total ${total.cpu} s cpu, ${total.wall} s wall, load ${load}) -> ${target}\n${lines.join('\n')}\n`,
    );
  });
}
