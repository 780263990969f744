"""Launch to first presented frame, interleaved: each program runs once per round, so a slow
moment of the machine hits all alike; /usr/bin/time gives the peak RSS. Prints medians and the
ratio of each program to the first one (the floor).

    startup.py [--each] RUNS 'NAME|BINARY|SEED_FOLDER|ENV=VAL,ENV=VAL' ...

--each: also the last program against each of the others (more than one floor).

SEED_FOLDER (may be empty) holds a connections.json copied into the fresh data folder of every
run. DISPLAY must point at a screen.
"""
import os, shutil, statistics as st, subprocess, sys, tempfile, time

args = sys.argv[1:]
each = args[:1] == ["--each"]
args = args[1:] if each else args
runs = int(args[0])
programs = []
for spec in args[1:]:
    name, binary, seed, extra = (spec.split("|") + ["", ""])[:4]
    env = dict(kv.split("=", 1) for kv in extra.split(",") if kv)
    programs.append((name, binary, seed, env))
res = {name: ([], []) for name, *_ in programs}
for _ in range(runs):
    for name, binary, seed, extra in programs:
        home = tempfile.mkdtemp()
        if seed:
            shutil.copy(os.path.join(seed, "connections.json"), home)
        out = tempfile.mktemp()
        env = dict(os.environ, KLYUCHNIK_HOME=home, KLYUCHNIK_KEYRING="keyutils",
                   KLYUCHNIK_EXIT_AFTER_FIRST_FRAME="1", **extra)
        t0 = time.perf_counter()
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out, binary], env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        res[name][0].append(time.perf_counter() - t0)
        res[name][1].append(int(open(out).read().split()[-1]))
        shutil.rmtree(home)
        os.remove(out)
width = max(len(n) for n in res) + 2
print(f"{'':{width}}{'median, s':>10}{'min, s':>9}{'peak RSS, MB':>14}"
      f"{'time ×':>9}{'RSS growth':>12}")
(bt, bm) = res[programs[0][0]]
for name, (t, m) in res.items():
    growth = (st.median(m) - st.median(bm)) / 1024
    print(f"{name:{width}}{st.median(t):>10.3f}{min(t):>9.3f}{st.median(m)/1024:>14.1f}"
          f"{st.median(t)/st.median(bt):>9.2f}{growth:>+9.1f} MB")
if each:
    (lt, lm) = res[programs[-1][0]]
    for name, *_ in programs[:-1]:
        t, m = res[name]
        print(f"{programs[-1][0] + ' / ' + name:{width + 20}}{st.median(lt)/st.median(t):>6.2f}×"
              f" time, {st.median(lm)/st.median(m):.2f}× peak RSS")
