// The demo page: runs the cycles of cycles.js and draws memory against
// cycles as it goes. `?cycles=N` sets the count; the page starts by itself.
// `?inject=instance-leak` keeps every instance, and the page must say FAIL.
// When it ends, document.body.dataset.verdict is "PASS" or "FAIL" and
// window.demoResult holds the figures (the browser test reads both).

import { runCycles } from "./cycles.js";

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
if (params.has("cycles")) $("cycles").value = params.get("cycles");

function draw(samples, cycles) {
  const canvas = $("chart");
  const g = canvas.getContext("2d");
  const { width, height } = canvas;
  const pad = { left: 56, right: 56, top: 16, bottom: 32 };
  g.clearRect(0, 0, width, height);
  g.font = "12px system-ui, sans-serif";
  g.strokeStyle = "#c9d1dc";
  g.strokeRect(pad.left, pad.top, width - pad.left - pad.right, height - pad.top - pad.bottom);
  const x = (cycle) => pad.left + ((width - pad.left - pad.right) * cycle) / Math.max(1, cycles);
  const series = (key, colour, scale, axis) => {
    const points = samples.filter((s) => typeof s[key] === "number");
    if (points.length === 0) return;
    // Each series starts its axis at zero so growth shows as a slope, not as noise magnified.
    const top = Math.max(...points.map((s) => s[key] / scale)) * 1.25 || 1;
    const y = (v) => height - pad.bottom - ((height - pad.top - pad.bottom) * v) / top;
    g.strokeStyle = colour;
    g.lineWidth = 2;
    g.beginPath();
    points.forEach((s, i) => (i === 0 ? g.moveTo(x(s.cycle), y(s[key] / scale)) : g.lineTo(x(s.cycle), y(s[key] / scale))));
    g.stroke();
    g.fillStyle = colour;
    const label = top.toFixed(top < 10 ? 1 : 0);
    if (axis === "left") g.fillText(label, 6, pad.top + 10);
    else g.fillText(label, width - pad.right + 6, pad.top + 10 + (axis === "right2" ? 14 : 0));
  };
  series("jsHeap", "#2b6cb0", 1 << 20, "left");
  series("memoryPages", "#dd6b20", 1, "right");
  series("pending", "#9b2c2c", 1, "right2");
  g.fillStyle = "#4a5568";
  g.fillText("0", pad.left - 4, height - pad.bottom + 16);
  g.fillText(`${cycles} cycles`, width - pad.right - 60, height - pad.bottom + 16);
}

function show(result) {
  const verdict = result.pass ? "PASS" : "FAIL";
  $("verdict").textContent = `${verdict} — ${result.created} runtimes started and dropped in ${(result.elapsedMs / 1000).toFixed(1)} s`;
  $("verdict").className = `verdict ${result.pass ? "pass" : "fail"}`;
  $("checks").tBodies[0].replaceChildren(
    ...result.checks.map((c) => {
      const row = document.createElement("tr");
      const state = c.skipped ? "skipped" : c.pass ? "pass" : "fail";
      for (const [text, cls] of [[c.name], [state === "skipped" ? "–" : c.pass ? "pass" : "FAIL", state], [c.detail]]) {
        const cell = document.createElement("td");
        cell.textContent = text;
        if (cls) cell.className = cls;
        row.append(cell);
      }
      return row;
    }),
  );
  document.body.dataset.verdict = verdict;
  window.demoResult = { pass: result.pass, checks: result.checks, created: result.created, collected: result.collected, elapsedMs: result.elapsedMs, samples: result.samples };
}

async function run() {
  const cycles = Math.max(10, Number($("cycles").value) || 1000);
  $("run").disabled = true;
  delete document.body.dataset.verdict;
  $("verdict").textContent = "running…";
  $("verdict").className = "verdict";
  try {
    const result = await runCycles({
      cycles,
      inject: params.get("inject") ?? undefined,
      onProgress({ cycle, samples }) {
        $("progress").value = cycle / cycles;
        $("count").textContent = `${cycle} / ${cycles}`;
        draw(samples, cycles);
      },
    });
    show(result);
  } catch (error) {
    show({ pass: false, created: 0, collected: 0, elapsedMs: 0, samples: [], checks: [{ name: "ran", pass: false, detail: String(error) }] });
  } finally {
    $("run").disabled = false;
  }
}

$("run").addEventListener("click", run);
run();
